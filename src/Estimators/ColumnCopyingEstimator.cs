using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Estimators;

/// <summary>Copies columns (<c>ml.Transforms.CopyColumns</c>); nothing to learn.</summary>
public sealed class ColumnCopyingEstimator : TrivialEstimator<ColumnCopyingTransformer>
{
    internal ColumnCopyingEstimator(IEnumerable<(string outputColumnName, string inputColumnName)> columns)
        : base(new ColumnCopyingTransformer(columns))
    {
    }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var result = inputSchema.ToList();
        foreach (var (output, input) in Transformer.ColumnPairs)
        {
            var c = ColumnRequirement.Any(input).Bind(inputSchema);
            result.Add(new SchemaShape.Column(output, c.Kind, c.ItemType, c.IsKey, c.Annotations));
        }

        return new SchemaShape(result);
    }
}
