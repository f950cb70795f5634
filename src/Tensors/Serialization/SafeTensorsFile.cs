namespace ClassyNet.MLNet.Tensors.Serialization;

/// <summary>The contents of a safetensors file: named tensors (float32) and the string metadata.</summary>
/// <param name="Tensors">Tensors by name, in file order.</param>
/// <param name="Metadata">The <c>__metadata__</c> map (empty when absent).</param>
public sealed record SafeTensorsFile(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);
