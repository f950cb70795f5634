namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>Which parameters a memory estimate counts.</summary>
public enum ParameterCounting
{
    /// <summary>Every trainable parameter: convolution and linear weights and biases, batch-norm scales and shifts.</summary>
    All,

    /// <summary>
    /// Only the tensors named <c>weight</c> (convolution and linear weights, batch-norm scales), as a summary that sums
    /// the layers' weight tensors reports. This is the count that gives the paper's 37,728 for the first 18 layers of
    /// ResNet-110 with a 10-class exit.
    /// </summary>
    WeightTensors,
}
