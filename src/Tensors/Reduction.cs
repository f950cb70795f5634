namespace ClassyNet.MLNet.Tensors;

/// <summary>How a per-sample loss is reduced over the batch (PyTorch's <c>reduction</c>).</summary>
public enum Reduction
{
    /// <summary>Return one value per sample.</summary>
    None,

    /// <summary>Average over the batch.</summary>
    Mean,

    /// <summary>Sum over the batch.</summary>
    Sum,
}
