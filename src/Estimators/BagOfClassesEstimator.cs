using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Estimators;

/// <summary>
/// The estimator of <see cref="BagOfClassesTransformer"/>: nothing to learn, it adds one key column per exit
/// (<c>Label.Exit0</c>, <c>Label.Exit1</c>, ...). Created by <c>mlContext.Transforms.ClassyNet.MapBagOfClasses(exitClassSets)</c>.
/// </summary>
public sealed class BagOfClassesEstimator : IEstimator<BagOfClassesTransformer>
{
    private readonly BagOfClassesTransformer transformer;

    internal BagOfClassesEstimator(ExitClassSets exitClassSets, string labelColumnName)
    {
        transformer = new BagOfClassesTransformer(exitClassSets, labelColumnName);
    }

    /// <summary>Checks that <paramref name="input"/> has the label key column the class sets fit, and returns the transformer.</summary>
    public BagOfClassesTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        LabelColumn.CheckShape(inputSchema, transformer.LabelColumnName, nameof(inputSchema));
        var sets = transformer.ExitClassSets;
        return SchemaShapes.Append(inputSchema, transformer.OutputColumns(ClassValues.Indices(sets.ClassCount), sets));
    }
}
