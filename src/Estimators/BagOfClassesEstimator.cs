using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Estimators;

/// <summary>
/// The estimator of <see cref="BagOfClassesTransformer"/>: nothing to learn, it adds one per-exit label column per exit
/// (<c>Label.Exit0</c>, <c>Label.Exit1</c>, ...). Created by <c>ml.Transforms.ClassyNet.MapBagOfClasses(exitClassSets)</c>.
/// </summary>
public sealed class BagOfClassesEstimator : TrivialEstimator<BagOfClassesTransformer>
{
    internal BagOfClassesEstimator(ExitClassSets exitClassSets, string labelColumnName)
        : base(new BagOfClassesTransformer(exitClassSets, labelColumnName))
    {
    }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        LabelColumn.Requirement(Transformer.LabelColumnName).Bind(inputSchema);
        var sets = Transformer.ExitClassSets;
        var keyValues = new SchemaShape([new SchemaShape.Column(AnnotationKinds.KeyValues, SchemaShape.VectorKind.Vector, TextDataViewType.Instance, false)]);
        var added = Enumerable.Range(0, sets.ExitCount).Select(m =>
            new SchemaShape.Column(Transformer.OutputColumnName(m), SchemaShape.VectorKind.Scalar, new KeyDataViewType(typeof(uint), sets.OutputCount(m)), true, keyValues));
        return new SchemaShape([.. inputSchema, .. added]);
    }
}
