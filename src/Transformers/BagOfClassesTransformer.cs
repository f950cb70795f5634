using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Adds the per-exit labels of the Bag-of-Classes relabelling (paper eq. 1 and 4): for every exit m a column
/// <c>{label}.Exit{m}</c> (m = 0 .. M-1), a key over the exit's outputs whose value is 1 + the sample's index in S_m, or
/// the bag key |S_m| + 1 for a sample outside S_m (at an exit with a bag). Exits without a bag (the final exit, BoC off)
/// pass the class through. A missing label (key 0, NaN) gives the missing key 0. Each output carries KeyValues (text): the
/// class values of S_m followed by <c>"Bag"</c>.
/// </summary>
/// <remarks>
/// The class sets are given in the label's values: with a key label (from <c>MapValueToKey</c>) class c is the key
/// whose KeyValues entry is c, whatever the key order. Created by
/// <c>ml.Transforms.ClassyNet.MapBagOfClasses(exitClassSets)</c>.
/// </remarks>
public sealed class BagOfClassesTransformer : RowToRowTransformerBase
{
    internal const string LoaderSignature = "ClassyNetBagOfClasses";

    internal BagOfClassesTransformer(ExitClassSets exitClassSets, string labelColumnName)
    {
        ArgumentNullException.ThrowIfNull(exitClassSets);
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        ExitClassSets = exitClassSets;
        LabelColumnName = labelColumnName;
    }

    /// <summary>The class sets, in the label's values.</summary>
    public ExitClassSets ExitClassSets { get; }

    /// <summary>The label column read.</summary>
    public string LabelColumnName { get; }

    /// <summary>The name of the label column of exit <paramref name="exit"/> (0-based): <c>{label}.Exit{exit}</c>.</summary>
    public string OutputColumnName(int exit) => OutputName(LabelColumnName, exit);

    internal static string OutputName(string label, int exit) => $"{label}.Exit{exit.ToString(CultureInfo.InvariantCulture)}";

    [ModelLoader(LoaderSignature)]
    internal static BagOfClassesTransformer Create(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1, 1);
        var saved = ctx.LoadJson<Saved>("Model.json");
        if (string.IsNullOrEmpty(saved.LabelColumnName) || saved.ExitClassSets is null)
        {
            throw ctx.Error("'Model.json' has no label column or exit class sets");
        }

        return new BagOfClassesTransformer(saved.ExitClassSets.ToSets(ctx), saved.LabelColumnName);
    }

    /// <inheritdoc/>
    protected override RowToRowMapperBase MakeMapper(DataViewSchema inputSchema)
    {
        var label = LabelColumn.Bind(inputSchema, LabelColumnName, ExitClassSets.ClassCount);
        return new Mapper(this, inputSchema, label, label.MapSets(ExitClassSets, "exitClassSets"));
    }

    /// <inheritdoc/>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature, 1);
        ctx.SaveJson("Model.json", new Saved(LabelColumnName, ExitClassSetsRecord.From(ExitClassSets)));
    }

    private sealed record Saved(string LabelColumnName, ExitClassSetsRecord ExitClassSets);

    private sealed class Mapper(BagOfClassesTransformer parent, DataViewSchema schema, LabelColumn label, ExitClassSets sets) : RowToRowMapperBase(schema)
    {
        public override IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex) => [label.Column];

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() =>
            [.. Enumerable.Range(0, sets.ExitCount).Select(m =>
            {
                int outputs = sets.OutputCount(m);
                var names = Enumerable.Range(0, outputs).Select(o => sets.ToOriginalClass(m, o) is int c and >= 0 ? label.Values.Values[c] : "Bag").ToArray();
                var annotations = new ClassValues("Text", names).KeyValueAnnotations();
                return new DataViewSchema.DetachedColumn(parent.OutputColumnName(m), new KeyDataViewType(typeof(uint), outputs), annotations);
            })];

        protected override Delegate MakeGetter(DataViewRow input, int outputIndex)
        {
            var read = label.CreateReader(input);
            int exit = outputIndex;
            return (ValueGetter<uint>)((ref uint value) =>
            {
                int c = read();
                value = c < 0 ? 0u : (uint)sets.ToExitLabel(exit, c) + 1;
            });
        }
    }
}
