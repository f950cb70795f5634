using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet;

/// <summary><c>ml.Model</c>: saving and loading models, and prediction engines.</summary>
public sealed partial class ModelOperationsCatalog : CatalogBase
{
    internal ModelOperationsCatalog(MLContext context)
        : base(context)
    {
    }

    /// <summary>
    /// Saves <paramref name="model"/> and the schema of the data it takes (<paramref name="inputSchema"/>) as a model zip:
    /// a versioned manifest, the input schema, and one folder per transformer with its parameters. The file is written
    /// to a temporary file beside <paramref name="filePath"/> and then moved over it, so a crash never leaves half a model.
    /// </summary>
    public void Save(ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string full = Path.GetFullPath(filePath);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                ModelFile.Write(model, inputSchema, stream);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Saves <paramref name="model"/> as a model zip into <paramref name="stream"/> (left open).</summary>
    public void Save(ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);
        ModelFile.Write(model, inputSchema, stream);
    }

    /// <summary>
    /// Loads a model zip written by <see cref="Save(ITransformer, DataViewSchema, string)"/>. A file that is not a model
    /// zip, is damaged, was written by a newer format version, or needs a loader this build does not know throws
    /// <see cref="InvalidDataException"/> saying which.
    /// </summary>
    public ITransformer Load(string filePath, out DataViewSchema inputSchema)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (!File.Exists(filePath))
        {
            throw new FileNotFoundException($"Model file '{filePath}' does not exist.", filePath);
        }

        using var stream = File.OpenRead(filePath);
        return ModelFile.Read(stream, filePath, out inputSchema);
    }

    /// <summary>Loads a model zip from <paramref name="stream"/> (it must be seekable; it is left open).</summary>
    public ITransformer Load(Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ModelFile.Read(stream, "stream", out inputSchema);
    }
}
