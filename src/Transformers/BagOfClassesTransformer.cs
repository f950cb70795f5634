using System.Globalization;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Adds the per-exit labels of the Bag-of-Classes relabelling (paper eq. 1 and 4): for every exit m a column
/// <c>{label}.Exit{m}</c> (m = 0 .. M-1), a key over the exit's outputs whose value is 1 + the sample's index in S_m, or
/// the bag key |S_m| + 1 for a sample outside S_m (at an exit with a bag). Exits without a bag (the final exit, BoC off)
/// pass the class through. A missing label (key 0) gives the missing key 0. Each output carries KeyValues (text): the
/// class values of S_m followed by <c>"Bag"</c>.
/// </summary>
/// <remarks>
/// The label is a key (from <c>MapValueToKey</c>); the class sets are given in its values: class c is the key whose
/// KeyValues entry is c, whatever the key order. Created by <c>mlContext.Transforms.ClassyNet.MapBagOfClasses(...)</c>;
/// saved with <c>mlContext.Model.SaveClassyNet</c>.
/// </remarks>
public sealed class BagOfClassesTransformer : ITransformer
{
    /// <summary>The kind of this transformer's step in a ClassyNet model file.</summary>
    internal const string StepKind = "classynet-bag-of-classes";

    private const int StepVersion = 1;
    private const string SettingsEntry = "bag-of-classes.json";

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

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <summary>The name of the label column of exit <paramref name="exit"/> (0-based): <c>{label}.Exit{exit}</c>.</summary>
    public string OutputColumnName(int exit) => $"{LabelColumnName}.Exit{exit.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => CreateMapper(inputSchema).OutputSchema;

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => CreateMapper(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MappedDataView(input, CreateMapper(input.Schema));
    }

    /// <summary>ML.NET's <c>Model.Save</c> cannot store a transformer from outside ML.NET: this throws, naming <c>SaveClassyNet</c>.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw ModelFileErrors.UseSaveClassyNet(nameof(BagOfClassesTransformer));

    /// <summary>The added columns for label values <paramref name="values"/>.</summary>
    internal DataViewSchema.DetachedColumn[] OutputColumns(ClassValues values, ExitClassSets setsInKeyOrder) =>
        [.. Enumerable.Range(0, setsInKeyOrder.ExitCount).Select(m =>
        {
            int outputs = setsInKeyOrder.OutputCount(m);
            var names = Enumerable.Range(0, outputs).Select(o => setsInKeyOrder.ToOriginalClass(m, o) is int c and >= 0 ? values.Values[c] : "Bag").ToArray();
            var annotations = new DataViewSchema.Annotations.Builder();
            new ClassValues("Text", names).AddKeyValues(annotations);
            return new DataViewSchema.DetachedColumn(OutputColumnName(m), new KeyDataViewType(typeof(uint), outputs), annotations.ToAnnotations());
        })];

    /// <summary>Writes this transformer as a step of a ClassyNet model file.</summary>
    internal void Save(ModelArchiveWriter writer)
    {
        string folder = writer.AddStep(StepKind, StepVersion);
        writer.WriteJson(folder + SettingsEntry, new Settings(LabelColumnName, ExitClassSetsRecord.From(ExitClassSets)));
    }

    /// <summary>Reads a step written by <see cref="Save"/>.</summary>
    internal static BagOfClassesTransformer Load(ModelArchiveReader reader, ModelPart step)
    {
        string entry = step.Folder + SettingsEntry;
        if (step.Version != StepVersion)
        {
            throw reader.Error(entry, $"step version {step.Version} is not supported (this library reads {StepVersion})");
        }

        var settings = reader.ReadJson<Settings>(entry);
        if (string.IsNullOrEmpty(settings.LabelColumnName) || settings.ExitClassSets is null)
        {
            throw reader.Error(entry, "it has no label column or exit class sets");
        }

        var sets = settings.ExitClassSets.ToSets(out string? error) ?? throw reader.Error(entry, $"the exit class sets are not valid ({error})");
        return new BagOfClassesTransformer(sets, settings.LabelColumnName);
    }

    private Mapper CreateMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var label = LabelColumn.Bind(inputSchema, LabelColumnName, nameof(inputSchema));
        return new Mapper(this, inputSchema, label, label.MapSets(ExitClassSets, "exitClassSets"));
    }

    private sealed record Settings(string LabelColumnName, ExitClassSetsRecord ExitClassSets);

    private sealed class Mapper(BagOfClassesTransformer parent, DataViewSchema schema, LabelColumn label, ExitClassSets sets)
        : AddedColumnsMapper(schema, parent.OutputColumns(label.Values, sets), [label.Column])
    {
        protected override Delegate?[] CreateGetters(DataViewRow input, Func<int, bool> isActive)
        {
            if (!Enumerable.Range(0, sets.ExitCount).Any(isActive))
            {
                return new Delegate?[sets.ExitCount];
            }

            var read = label.CreateReader(input);
            return [.. Enumerable.Range(0, sets.ExitCount).Select(exit => isActive(exit) ? (Delegate)(ValueGetter<uint>)((ref uint value) =>
            {
                int c = read();
                value = c < 0 ? 0u : (uint)sets.ToExitLabel(exit, c) + 1;
            }) : null)];
        }
    }
}
