using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Estimators;

/// <summary>Concatenates columns into a vector (<c>ml.Transforms.Concatenate</c>); nothing to learn.</summary>
public sealed class ColumnConcatenatingEstimator : TrivialEstimator<ColumnConcatenatingTransformer>
{
    internal ColumnConcatenatingEstimator(string outputColumnName, string[] inputColumnNames)
        : base(new ColumnConcatenatingTransformer(outputColumnName, inputColumnNames))
    {
    }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var inputs = Transformer.InputColumnNames.Select(n => ColumnRequirement.Any(n).Bind(inputSchema)).ToArray();
        var item = ColumnConcatenatingTransformer.CommonItemType([.. inputs.Select(c => (c.Name, c.ItemType))]);
        bool known = inputs.All(c => c.Kind != SchemaShape.VectorKind.VariableVector);
        var annotations = known && inputs.All(c => c.Kind == SchemaShape.VectorKind.Scalar || c.HasSlotNames)
            ? new SchemaShape([new SchemaShape.Column(AnnotationKinds.SlotNames, SchemaShape.VectorKind.Vector, TextDataViewType.Instance, false)])
            : null;
        var result = inputSchema.ToList();
        result.Add(new SchemaShape.Column(Transformer.OutputColumnName, known ? SchemaShape.VectorKind.Vector : SchemaShape.VectorKind.VariableVector, item, inputs[0].IsKey, annotations));
        return new SchemaShape(result);
    }
}
