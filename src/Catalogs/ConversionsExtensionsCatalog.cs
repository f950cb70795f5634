using ClassyNet.MLNet.Estimators;

namespace ClassyNet.MLNet;

/// <summary><c>ml.Transforms.Conversion</c>: value to key and key to value.</summary>
public static class ConversionsExtensionsCatalog
{
    /// <summary>
    /// Maps the values of <paramref name="inputColumnName"/> (default: <paramref name="outputColumnName"/>) to 1-based keys
    /// over the values seen when fitting, in <paramref name="keyOrdinality"/> order and at most
    /// <paramref name="maximumNumberOfKeys"/>; unseen values map to key 0 (missing). The output carries KeyValues
    /// (as text when <paramref name="addKeyValueAnnotationsAsText"/>).
    /// </summary>
    public static ValueToKeyMappingEstimator MapValueToKey(
        this TransformsCatalog.ConversionTransforms catalog,
        string outputColumnName,
        string? inputColumnName = null,
        int maximumNumberOfKeys = ValueToKeyMappingEstimator.Defaults.MaximumNumberOfKeys,
        ValueToKeyMappingEstimator.KeyOrdinality keyOrdinality = ValueToKeyMappingEstimator.Defaults.Ordinality,
        bool addKeyValueAnnotationsAsText = ValueToKeyMappingEstimator.Defaults.AddKeyValueAnnotationsAsText)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        return new ValueToKeyMappingEstimator(catalog.Context, [(outputColumnName, inputColumnName ?? outputColumnName)], maximumNumberOfKeys, keyOrdinality, addKeyValueAnnotationsAsText);
    }

    /// <summary>As <see cref="MapValueToKey(TransformsCatalog.ConversionTransforms, string, string?, int, ValueToKeyMappingEstimator.KeyOrdinality, bool)"/> for several columns.</summary>
    public static ValueToKeyMappingEstimator MapValueToKey(
        this TransformsCatalog.ConversionTransforms catalog,
        InputOutputColumnPair[] columns,
        int maximumNumberOfKeys = ValueToKeyMappingEstimator.Defaults.MaximumNumberOfKeys,
        ValueToKeyMappingEstimator.KeyOrdinality keyOrdinality = ValueToKeyMappingEstimator.Defaults.Ordinality,
        bool addKeyValueAnnotationsAsText = ValueToKeyMappingEstimator.Defaults.AddKeyValueAnnotationsAsText)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ValueToKeyMappingEstimator(catalog.Context, InputOutputColumnPair.ToTuples(columns), maximumNumberOfKeys, keyOrdinality, addKeyValueAnnotationsAsText);
    }

    /// <summary>Maps keys back to the values of their KeyValues annotation; key 0 becomes missing (NaN, empty text).</summary>
    public static KeyToValueMappingEstimator MapKeyToValue(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName, string? inputColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        return new KeyToValueMappingEstimator([(outputColumnName, inputColumnName ?? outputColumnName)]);
    }

    /// <summary>As <see cref="MapKeyToValue(TransformsCatalog.ConversionTransforms, string, string?)"/> for several columns.</summary>
    public static KeyToValueMappingEstimator MapKeyToValue(this TransformsCatalog.ConversionTransforms catalog, InputOutputColumnPair[] columns)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new KeyToValueMappingEstimator(InputOutputColumnPair.ToTuples(columns));
    }
}
