using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Estimators;

/// <summary>Maps keys back to their values (<c>ml.Transforms.Conversion.MapKeyToValue</c>); nothing to learn.</summary>
public sealed class KeyToValueMappingEstimator : TrivialEstimator<KeyToValueMappingTransformer>
{
    internal KeyToValueMappingEstimator(IEnumerable<(string outputColumnName, string inputColumnName)> columns)
        : base(new KeyToValueMappingTransformer(columns))
    {
    }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var result = inputSchema.ToList();
        foreach (var (output, input) in Transformer.ColumnPairs)
        {
            var column = KeyToValueMappingTransformer.Requirement(input).Bind(inputSchema);
            column.Annotations.TryFindColumn(AnnotationKinds.KeyValues, out var keyValues);
            result.Add(new SchemaShape.Column(output, column.Kind, keyValues.ItemType, keyValues.IsKey));
        }

        return new SchemaShape(result);
    }
}
