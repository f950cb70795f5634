using System.Text.Json;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Maps values to 1-based keys over the terms seen when fitting (see <c>ml.Transforms.Conversion.MapValueToKey</c>):
/// term k (in the fitted order) becomes key k, a value not seen (or NaN) becomes key 0, missing, as in ML.NET. Each output
/// column carries the KeyValues annotation (entry k - 1 is the value of key k).
/// </summary>
public sealed class ValueToKeyMappingTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "MapValueToKey";

    private readonly TermMap[] maps;
    private readonly bool[] keyValuesAsText;

    internal ValueToKeyMappingTransformer(IEnumerable<(string outputColumnName, string inputColumnName)> columns, TermMap[] maps, bool[] keyValuesAsText)
        : base(columns)
    {
        this.maps = maps;
        this.keyValuesAsText = keyValuesAsText;
    }

    /// <summary>The number of keys of output column <paramref name="index"/>.</summary>
    public int GetKeyCount(int index) => maps[index].Count;

    /// <summary>The value type accepted by output column <paramref name="index"/>'s input.</summary>
    internal PrimitiveDataViewType GetItemType(int index) => maps[index].ItemType;

    [ModelLoader(LoaderSignature)]
    internal static ValueToKeyMappingTransformer Create(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1, 1);
        var columns = LoadColumnPairs(ctx);
        var terms = ctx.LoadJson<TermsEntry[]>("Terms.json");
        if (terms.Length != columns.Length)
        {
            throw ctx.Error($"'{ctx.Directory}Terms.json' lists {terms.Length} term sets for {columns.Length} columns");
        }

        var maps = terms.Select(t => TermMap.FromJson(ParseItemType(t.ItemType, ctx), t.Terms)).ToArray();
        if (maps.Any(m => m.Count == 0))
        {
            throw ctx.Error($"'{ctx.Directory}Terms.json' has an empty term set");
        }

        return new ValueToKeyMappingTransformer(columns, maps, [.. terms.Select(t => t.KeyValuesAsText)]);
    }

    /// <inheritdoc/>
    protected override RowToRowMapperBase MakeMapper(DataViewSchema inputSchema)
    {
        var inputs = new DataViewSchema.Column[ColumnPairs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            var item = maps[i].ItemType;
            inputs[i] = ColumnRequirement.Custom(ColumnPairs[i].inputColumnName, $"{item} or a vector of {item}", t => ItemOf(t) == item, _ => true).Bind(inputSchema);
        }

        return new Mapper(this, inputSchema, inputs);
    }

    /// <inheritdoc/>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature, 1);
        SaveColumnPairs(ctx);
        ctx.SaveJson("Terms.json", maps.Select((m, i) => new { ItemType = m.ItemType.ToString(), KeyValuesAsText = keyValuesAsText[i], Terms = m.ToJson() }).ToArray());
    }

    /// <summary>The item type of a scalar or vector column type.</summary>
    internal static DataViewType ItemOf(DataViewType type) => type is VectorDataViewType v ? v.ItemType : type;

    private static PrimitiveDataViewType ParseItemType(string name, ModelLoadContext ctx) => name switch
    {
        "String" => TextDataViewType.Instance,
        "Boolean" => BooleanDataViewType.Instance,
        _ when name.StartsWith("Key<", StringComparison.Ordinal) => throw ctx.Error($"key-typed terms ('{name}') are not supported"),
        _ => NumberDataViewType.All.FirstOrDefault(t => t.ToString() == name) ?? throw ctx.Error($"unknown term type '{name}'"),
    };

    private sealed record TermsEntry(string ItemType, bool KeyValuesAsText, JsonElement Terms);

    private sealed class Mapper(ValueToKeyMappingTransformer parent, DataViewSchema inputSchema, DataViewSchema.Column[] inputs) : RowToRowMapperBase(inputSchema)
    {
        public override IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex) => [inputs[outputIndex]];

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
        {
            var result = new DataViewSchema.DetachedColumn[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                var key = new KeyDataViewType(typeof(uint), parent.maps[i].Count);
                var type = inputs[i].Type is VectorDataViewType v ? new VectorDataViewType(key, [.. v.Dimensions]) : (DataViewType)key;
                var annotations = new DataViewSchema.Annotations.Builder();
                parent.maps[i].AddKeyValues(annotations, parent.keyValuesAsText[i]);
                result[i] = new DataViewSchema.DetachedColumn(parent.ColumnPairs[i].outputColumnName, type, annotations.ToAnnotations());
            }

            return result;
        }

        protected override Delegate MakeGetter(DataViewRow input, int outputIndex) => parent.maps[outputIndex].MakeKeyGetter(input, inputs[outputIndex]);
    }
}
