using System.IO.Compression;
using System.Text.Json;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The model zip: <c>Manifest.json</c> (format name and version, writer version), <c>InputSchema.json</c>, and the model
/// under <c>Model/</c>, one folder per component, each with a <c>Loader.json</c> naming its loader.
/// </summary>
internal static class ModelFile
{
    public static void Write(ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var root = new ModelSaveContext(archive, string.Empty);
        root.SaveJson(ModelManifest.EntryName, new ModelManifest(ModelManifest.FormatName, ModelManifest.CurrentFormatVersion, ModelManifest.LibraryVersion));
        root.SaveJson(ModelManifest.InputSchemaEntry, SchemaJson.ToJson(inputSchema));
        root.SaveModel(model, ModelManifest.ModelFolder);
    }

    public static ITransformer Read(Stream stream, string source, out DataViewSchema inputSchema)
    {
        InvalidDataException Error(string reason, Exception? inner = null) => new($"Model '{source}' cannot be loaded: {reason}.", inner);
        try
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (archive.GetEntry(ModelManifest.EntryName) is not { } manifestEntry)
            {
                throw Error($"it has no {ModelManifest.EntryName}; it is not a ClassyNet.MLNet model zip");
            }

            ModelManifest manifest;
            using (var s = ZipEntryReader.Read(manifestEntry))
            {
                manifest = JsonSerializer.Deserialize<ModelManifest>(s, ModelJson.Options) ?? throw Error("the manifest is JSON null");
            }

            if (manifest.Format != ModelManifest.FormatName)
            {
                throw Error($"its manifest names format '{manifest.Format}', not '{ModelManifest.FormatName}'");
            }

            if (manifest.FormatVersion < 1 || manifest.FormatVersion > ModelManifest.CurrentFormatVersion)
            {
                throw Error($"it was written in model format version {manifest.FormatVersion} by ClassyNet.MLNet {manifest.WriterVersion}; this build ({ModelManifest.LibraryVersion}) reads format versions 1 to {ModelManifest.CurrentFormatVersion}");
            }

            if (archive.GetEntry(ModelManifest.InputSchemaEntry) is not { } schemaEntry)
            {
                throw Error($"it has no {ModelManifest.InputSchemaEntry}");
            }

            using (var s = ZipEntryReader.Read(schemaEntry))
            {
                inputSchema = SchemaJson.FromJson(JsonSerializer.Deserialize<JsonElement>(s, ModelJson.Options), r => Error(r));
            }

            var ctx = new ModelLoadContext(archive, ModelManifest.ModelFolder + "/", source);
            var model = ModelLoaderRegistry.Create(ctx);
            return model as ITransformer ?? throw Error($"its model is a {model.GetType().Name}, not a transformer");
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith($"Model '{source}'", StringComparison.Ordinal))
        {
            throw Error(e.Message.StartsWith("entry ", StringComparison.Ordinal) ? e.Message : $"the zip is damaged ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw Error($"an entry is not valid JSON ({e.Message})", e);
        }
        catch (EndOfStreamException e)
        {
            throw Error($"an entry ends early ({e.Message})", e);
        }
        catch (ArgumentException e)
        {
            throw Error($"its parameters are invalid ({e.Message})", e);
        }
    }
}
