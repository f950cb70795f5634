using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Reads back one component's folder of a model zip written through <see cref="ModelSaveContext"/>. Every problem
/// (a missing or unreadable entry, an unknown version) is an <see cref="InvalidDataException"/> naming the model source
/// and the entry.
/// </summary>
public sealed class ModelLoadContext
{
    private readonly ZipArchive archive;

    internal ModelLoadContext(ZipArchive archive, string directory, string source)
    {
        this.archive = archive;
        Source = source;
        Directory = directory.Length == 0 || directory.EndsWith('/') ? directory : directory + "/";
        var info = LoadJson<LoaderInfo>(ModelSaveContext.LoaderEntry);
        if (string.IsNullOrWhiteSpace(info.Signature) || info.Version < 1)
        {
            throw Error($"'{Directory}{ModelSaveContext.LoaderEntry}' has no valid loader signature and version");
        }

        LoaderSignature = info.Signature;
        Version = info.Version;
    }

    /// <summary>The model file or stream being read, for messages.</summary>
    public string Source { get; }

    /// <summary>The folder (ending in '/') of this component.</summary>
    public string Directory { get; }

    /// <summary>The loader signature the writer recorded.</summary>
    public string LoaderSignature { get; }

    /// <summary>The format version the writer recorded.</summary>
    public int Version { get; }

    /// <summary>Throws when <see cref="Version"/> is outside [<paramref name="minimum"/>, <paramref name="maximum"/>], the versions this loader reads.</summary>
    public void CheckVersion(int minimum, int maximum)
    {
        if (Version < minimum || Version > maximum)
        {
            throw Error($"'{LoaderSignature}' in '{Directory}' was written in format version {Version}; this build reads versions {minimum} to {maximum}");
        }
    }

    /// <summary>True when the folder has an entry named <paramref name="name"/>.</summary>
    public bool ContainsEntry(string name) => archive.GetEntry(Directory + name) is not null;

    /// <summary>Opens an entry as a seekable, read-only stream (its content is read into memory).</summary>
    public Stream OpenStream(string name)
    {
        var entry = archive.GetEntry(Directory + name) ?? throw Error($"entry '{Directory}{name}' is missing");
        try
        {
            return ZipEntryReader.Read(entry);
        }
        catch (InvalidDataException e)
        {
            throw Error(e.Message.StartsWith("entry ", StringComparison.Ordinal) ? e.Message : $"entry '{Directory}{name}' is damaged ({e.Message})", e);
        }
    }

    /// <summary>Reads a binary entry with <paramref name="read"/>; reading past its end is reported as damage.</summary>
    public T LoadBinaryStream<T>(string name, Func<BinaryReader, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var stream = OpenStream(name);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            return read(reader);
        }
        catch (EndOfStreamException e)
        {
            throw Error($"entry '{Directory}{name}' ends early", e);
        }
    }

    /// <summary>Reads a UTF-8 text entry.</summary>
    public string LoadText(string name)
    {
        using var stream = OpenStream(name);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Reads a JSON entry.</summary>
    public T LoadJson<T>(string name)
    {
        using var stream = OpenStream(name);
        try
        {
            return JsonSerializer.Deserialize<T>(stream, ModelJson.Options) ?? throw Error($"entry '{Directory}{name}' holds JSON null");
        }
        catch (JsonException e)
        {
            throw Error($"entry '{Directory}{name}' is not valid JSON for {typeof(T).Name} ({e.Message})", e);
        }
    }

    /// <summary>Loads the component saved with <see cref="ModelSaveContext.SaveModel"/> under <paramref name="name"/>.</summary>
    public T LoadModel<T>(string name)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var child = new ModelLoadContext(archive, Directory + name + "/", Source);
        var model = ModelLoaderRegistry.Create(child);
        return model as T ?? throw Error($"'{child.Directory}' holds a {model.GetType().Name} ('{child.LoaderSignature}'), not a {typeof(T).Name}");
    }

    /// <summary>An <see cref="InvalidDataException"/> naming the model source; for loaders reporting bad parameters.</summary>
    public InvalidDataException Error(string reason, Exception? inner = null) => new($"Model '{Source}' cannot be loaded: {reason}.", inner);
}
