using System.IO.Compression;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>Writes a transformer into an in-memory model zip and loads it back through the loader registry.</summary>
internal static class ModelRoundTrip
{
    public static T SaveAndLoad<T>(T transformer)
        where T : class, ITransformer
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            new ModelSaveContext(zip, string.Empty).SaveModel(transformer, "Model");
        }

        memory.Position = 0;
        using var read = new ZipArchive(memory, ZipArchiveMode.Read);
        return (T)ModelLoaderRegistry.Create(new ModelLoadContext(read, "Model/", "memory"));
    }
}
