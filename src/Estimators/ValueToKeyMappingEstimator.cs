using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Estimators;

/// <summary>
/// Learns the distinct values (terms) of each input column in one pass and maps them to keys
/// (<c>ml.Transforms.Conversion.MapValueToKey</c>). Inputs may be Single, Double, Int32, UInt32, Int64, Boolean or text,
/// scalar or vector; NaN is never a term.
/// </summary>
public sealed class ValueToKeyMappingEstimator : IEstimator<ValueToKeyMappingTransformer>
{
    private static readonly PrimitiveDataViewType[] Supported =
        [NumberDataViewType.Single, NumberDataViewType.Double, NumberDataViewType.Int32, NumberDataViewType.UInt32, NumberDataViewType.Int64, BooleanDataViewType.Instance, TextDataViewType.Instance];

    private readonly MLContext context;
    private readonly (string outputColumnName, string inputColumnName)[] columns;
    private readonly int maximumNumberOfKeys;
    private readonly KeyOrdinality keyOrdinality;
    private readonly bool addKeyValueAnnotationsAsText;

    internal ValueToKeyMappingEstimator(MLContext context, (string outputColumnName, string inputColumnName)[] columns, int maximumNumberOfKeys, KeyOrdinality keyOrdinality, bool addKeyValueAnnotationsAsText)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumNumberOfKeys, 1);
        if (!Enum.IsDefined(keyOrdinality))
        {
            throw new ArgumentOutOfRangeException(nameof(keyOrdinality), keyOrdinality, "keyOrdinality must be ByOccurrence or ByValue.");
        }

        this.context = context;
        this.columns = columns;
        this.maximumNumberOfKeys = maximumNumberOfKeys;
        this.keyOrdinality = keyOrdinality;
        this.addKeyValueAnnotationsAsText = addKeyValueAnnotationsAsText;
    }

    /// <summary>The order in which terms become keys.</summary>
    public enum KeyOrdinality
    {
        /// <summary>In the order they first occur in the data (ML.NET's default).</summary>
        ByOccurrence = 0,

        /// <summary>In ascending value order (ordinal for text).</summary>
        ByValue = 1,
    }

    /// <summary>The defaults of <c>MapValueToKey</c>.</summary>
    public static class Defaults
    {
        /// <summary>The most keys per column.</summary>
        public const int MaximumNumberOfKeys = 1000000;

        /// <summary>Keys in order of occurrence.</summary>
        public const KeyOrdinality Ordinality = KeyOrdinality.ByOccurrence;

        /// <summary>KeyValues keep the input's type.</summary>
        public const bool AddKeyValueAnnotationsAsText = false;
    }

    /// <inheritdoc/>
    public ValueToKeyMappingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema));
        var inputColumns = columns.Select(c => input.Schema[c.inputColumnName]).ToArray();
        var maps = inputColumns.Select(c => TermMap.Create((PrimitiveDataViewType)ValueToKeyMappingTransformer.ItemOf(c.Type))).ToArray();
        using (var cursor = input.GetRowCursor(inputColumns.DistinctBy(c => c.Index).ToArray()))
        {
            var collectors = inputColumns.Select((c, i) => maps[i].MakeCollector(cursor, c, maximumNumberOfKeys)).ToArray();
            while (cursor.MoveNext())
            {
                foreach (var collect in collectors)
                {
                    collect();
                }
            }
        }

        for (int i = 0; i < maps.Length; i++)
        {
            if (maps[i].Count == 0)
            {
                throw new InvalidOperationException($"Input column '{columns[i].inputColumnName}' has no values (or only NaN), so there are no keys to map it to.");
            }

            if (keyOrdinality == KeyOrdinality.ByValue)
            {
                maps[i].SortByValue();
            }

            if (maps[i].Count == maximumNumberOfKeys)
            {
                context.WriteLog(nameof(ValueToKeyMappingEstimator), ChannelMessageKind.Warning, $"Column '{columns[i].inputColumnName}' reached maximumNumberOfKeys ({maximumNumberOfKeys}); later distinct values map to key 0 (missing).");
            }
        }

        return new ValueToKeyMappingTransformer(columns, maps, [.. columns.Select(_ => addKeyValueAnnotationsAsText)]);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var result = inputSchema.ToList();
        foreach (var (output, inputName) in columns)
        {
            var input = ColumnRequirement.Custom(
                inputName,
                "a scalar or vector of Single, Double, Int32, UInt32, Int64, Boolean or String",
                t => Supported.Contains(ValueToKeyMappingTransformer.ItemOf(t)),
                s => !s.IsKey && Supported.Contains(s.ItemType)).Bind(inputSchema);
            var keyValuesType = addKeyValueAnnotationsAsText ? TextDataViewType.Instance : input.ItemType;
            var annotations = new SchemaShape([new SchemaShape.Column(AnnotationKinds.KeyValues, SchemaShape.VectorKind.Vector, keyValuesType, false)]);
            result.Add(new SchemaShape.Column(output, input.Kind, NumberDataViewType.UInt32, true, annotations));
        }

        return new SchemaShape(result);
    }
}
