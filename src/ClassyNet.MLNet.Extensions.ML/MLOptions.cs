namespace ClassyNet.MLNet.Extensions.ML;

/// <summary>The <see cref="ClassyNet.MLNet.MLContext"/> the pool loads models with (configure it with <c>services.Configure&lt;MLOptions&gt;</c>).</summary>
public sealed class MLOptions
{
    /// <summary>The context; default a new context without a seed.</summary>
    public MLContext MLContext { get; set; } = new();
}
