using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Losses;

namespace ClassyNet.MLNet;

/// <summary><c>mlContext.Transforms.ClassyNet</c>: the ClassyNet-specific data transforms.</summary>
public sealed class ClassyNetTransformsCatalog
{
    private ClassyNetTransformsCatalog()
    {
    }

    /// <summary>The catalog (it holds no state).</summary>
    internal static ClassyNetTransformsCatalog Instance { get; } = new();

    /// <summary>
    /// Adds the Bag-of-Classes label of every exit (eq. 1/4) as key columns <c>{labelColumnName}.Exit0</c>,
    /// <c>.Exit1</c>, ...: the sample's position in S_m, or the bag for a sample outside S_m.
    /// </summary>
    /// <param name="exitClassSets">The exits' class sets, in the label's values (e.g. <c>ExitClassSets.Incremental([[9], [8]], 10)</c>).</param>
    /// <param name="labelColumnName">The label column: a Key&lt;UInt32&gt; (from MapValueToKey), classes matched through its KeyValues. Default <c>"Label"</c>.</param>
    public BagOfClassesEstimator MapBagOfClasses(ExitClassSets exitClassSets, string labelColumnName = "Label")
    {
        ArgumentNullException.ThrowIfNull(exitClassSets);
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        return new BagOfClassesEstimator(exitClassSets, labelColumnName);
    }
}
