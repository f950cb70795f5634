using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Persistence;
using ClassyNet.MLNet.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet;

/// <summary>
/// Saving and loading pipelines that hold ClassyNet transformers, on ML.NET's model catalog:
/// <c>mlContext.Model.SaveClassyNet(model, inputSchema, path)</c> and <c>mlContext.Model.LoadClassyNet(path, out inputSchema)</c>.
/// </summary>
/// <remarks>
/// Microsoft.ML keeps its model-saving API (<c>ModelSaveContext</c>'s members, <c>ModelLoadContext</c>, loadable-class
/// registration) internal to its own assemblies, so <c>mlContext.Model.Save</c> cannot store a transformer from outside
/// ML.NET. A ClassyNet model file is a zip that stores the ML.NET parts of the fitted chain with ML.NET's own
/// <c>Model.Save</c> (one entry per run of consecutive ML.NET transformers) and the ClassyNet transformers in this
/// library's own versioned entries; a manifest lists the steps and every entry's CRC-32 and length, all checked on load.
/// Loading rebuilds the chain as a <see cref="TransformerChain{ITransformer}"/>. Saving to a path is atomic: a failure
/// part-way leaves the previous file as it was.
/// </remarks>
public static class ClassyNetModelCatalog
{
    /// <summary>Saves <paramref name="model"/> (with the schema of its input data) to <paramref name="filePath"/>, atomically.</summary>
    /// <param name="catalog">ML.NET's model catalog.</param>
    /// <param name="model">A fitted pipeline: a ClassyNet transformer, an ML.NET transformer or a chain of them (nested chains are flattened).</param>
    /// <param name="inputSchema">The schema of the data the pipeline was fitted on (for example <c>trainData.Schema</c>).</param>
    /// <param name="filePath">The model file.</param>
    public static void SaveClassyNet(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        Check(catalog, model, inputSchema);
        AtomicFile.Write(filePath, stream => Write(catalog, model, inputSchema, stream));
    }

    /// <summary>Saves <paramref name="model"/> (with the schema of its input data) to <paramref name="stream"/>, which stays open.</summary>
    /// <param name="catalog">ML.NET's model catalog.</param>
    /// <param name="model">A fitted pipeline: a ClassyNet transformer, an ML.NET transformer or a chain of them (nested chains are flattened).</param>
    /// <param name="inputSchema">The schema of the data the pipeline was fitted on.</param>
    /// <param name="stream">A writable stream.</param>
    public static void SaveClassyNet(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Check(catalog, model, inputSchema);
        Write(catalog, model, inputSchema, stream);
    }

    /// <summary>
    /// Loads a model saved by <see cref="SaveClassyNet(ModelOperationsCatalog, ITransformer, DataViewSchema, string)"/>.
    /// A damaged, truncated, foreign or newer file throws <see cref="InvalidDataException"/> naming the file and entry.
    /// </summary>
    /// <param name="catalog">ML.NET's model catalog.</param>
    /// <param name="filePath">The model file.</param>
    /// <param name="inputSchema">The schema of the data the pipeline was fitted on.</param>
    public static ITransformer LoadClassyNet(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (!File.Exists(filePath))
        {
            throw new FileNotFoundException($"Model file '{filePath}' does not exist; save one with mlContext.Model.SaveClassyNet.", filePath);
        }

        using var stream = File.OpenRead(filePath);
        return Read(catalog, stream, filePath, out inputSchema);
    }

    /// <summary>Loads a model saved by <see cref="SaveClassyNet(ModelOperationsCatalog, ITransformer, DataViewSchema, Stream)"/> from <paramref name="stream"/>.</summary>
    /// <param name="catalog">ML.NET's model catalog.</param>
    /// <param name="stream">A readable, seekable stream.</param>
    /// <param name="inputSchema">The schema of the data the pipeline was fitted on.</param>
    public static ITransformer LoadClassyNet(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        return Read(catalog, stream, "stream", out inputSchema);
    }

    private static void Check(ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
    }

    private static void Write(ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        using var writer = new ModelArchiveWriter(stream);
        writer.Write(ModelArchive.InputSchemaEntry, s => catalog.Save(new TransformerChain<ITransformer>(), inputSchema, s));
        var schema = inputSchema;
        var run = new List<ITransformer>();
        DataViewSchema runSchema = schema;
        foreach (var transformer in Flatten(model))
        {
            if (transformer is BagOfClassesTransformer or EarlyExitScoringTransformer)
            {
                SaveRun(catalog, writer, run, runSchema);
                if (transformer is BagOfClassesTransformer bag)
                {
                    bag.Save(writer);
                }
                else
                {
                    ((EarlyExitScoringTransformer)transformer).Save(writer);
                }
            }
            else if (run.Count == 0)
            {
                runSchema = schema;
                run.Add(transformer);
            }
            else
            {
                run.Add(transformer);
            }

            schema = transformer.GetOutputSchema(schema);
        }

        SaveRun(catalog, writer, run, runSchema);
        writer.Finish();
    }

    /// <summary>Saves a run of ML.NET transformers as one step (ML.NET's own format) and empties the run.</summary>
    private static void SaveRun(ModelOperationsCatalog catalog, ModelArchiveWriter writer, List<ITransformer> run, DataViewSchema runSchema)
    {
        if (run.Count == 0)
        {
            return;
        }

        var chain = new TransformerChain<ITransformer>([.. run]);
        string folder = writer.AddStep(ModelArchive.MLNetKind, 1);
        writer.Write(folder + ModelArchive.MLNetEntry, s => catalog.Save(chain, runSchema, s));
        run.Clear();
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is TransformerChain<ITransformer> or IEnumerable<ITransformer> ? ((IEnumerable<ITransformer>)model).SelectMany(Flatten) : [model];

    private static ITransformer Read(ModelOperationsCatalog catalog, Stream stream, string source, out DataViewSchema inputSchema)
    {
        using var reader = ModelArchiveReader.Open(stream, source);
        LoadMLNet(catalog, reader, ModelArchive.InputSchemaEntry, out inputSchema);
        var transformers = new List<ITransformer>();
        foreach (var step in reader.Parts)
        {
            switch (step.Kind)
            {
                case ModelArchive.MLNetKind:
                    transformers.AddRange(Flatten(LoadMLNet(catalog, reader, step.Folder + ModelArchive.MLNetEntry, out _)));
                    break;
                case BagOfClassesTransformer.StepKind:
                    transformers.Add(BagOfClassesTransformer.Load(reader, step));
                    break;
                case EarlyExitScoringTransformer.StepKind:
                    transformers.Add(EarlyExitScoringTransformer.Load(reader, step));
                    break;
                default:
                    throw reader.Error(ModelArchive.ManifestEntry, $"step '{step.Folder}' has kind '{step.Kind}', which this library does not know (a newer version wrote it?)");
            }
        }

        return new TransformerChain<ITransformer>([.. transformers]);
    }

    private static ITransformer LoadMLNet(ModelOperationsCatalog catalog, ModelArchiveReader reader, string entry, out DataViewSchema schema)
    {
        using var bytes = reader.Open(entry);
        try
        {
            return catalog.Load(bytes, out schema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw reader.Error(entry, $"ML.NET could not load it ({e.Message})", e);
        }
    }
}
