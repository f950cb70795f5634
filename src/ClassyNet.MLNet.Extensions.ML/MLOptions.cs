using Microsoft.ML;

namespace ClassyNet.MLNet.Extensions.ML;

/// <summary>The <see cref="Microsoft.ML.MLContext"/> the pool loads models and creates prediction engines with (configure it with <c>services.Configure&lt;MLOptions&gt;</c>).</summary>
public sealed class MLOptions
{
    /// <summary>The context. Default: a new context without a seed.</summary>
    public MLContext MLContext { get; set; } = new();
}
