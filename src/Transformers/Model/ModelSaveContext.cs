using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Where one component writes itself inside a model zip: a folder of named entries (binary, text, JSON or raw streams
/// such as safetensors) plus the loader signature and version that <see cref="ModelLoadContext"/> uses to read it back.
/// Children (the steps of a chain) go into subfolders through <see cref="SaveModel"/>.
/// </summary>
public sealed class ModelSaveContext
{
    /// <summary>The entry holding the loader signature and version of a folder.</summary>
    internal const string LoaderEntry = "Loader.json";

    private readonly ZipArchive archive;
    private readonly HashSet<string> written;

    internal ModelSaveContext(ZipArchive archive, string directory)
        : this(archive, directory, new HashSet<string>(StringComparer.Ordinal))
    {
    }

    private ModelSaveContext(ZipArchive archive, string directory, HashSet<string> written)
    {
        this.archive = archive;
        this.written = written;
        Directory = directory.Length == 0 || directory.EndsWith('/') ? directory : directory + "/";
    }

    /// <summary>The folder (ending in '/') this component's entries go into.</summary>
    public string Directory { get; }

    /// <summary>The loader signature set by <see cref="SetVersionInfo"/>.</summary>
    public string? LoaderSignature { get; private set; }

    /// <summary>The version set by <see cref="SetVersionInfo"/>.</summary>
    public int Version { get; private set; }

    /// <summary>Records which <see cref="ModelLoaderAttribute"/> loader reads this folder, and the format version written.</summary>
    public void SetVersionInfo(string loaderSignature, int version = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(loaderSignature);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        if (LoaderSignature is not null)
        {
            throw new InvalidOperationException($"Folder '{Directory}' already has loader '{LoaderSignature}'.");
        }

        LoaderSignature = loaderSignature;
        Version = version;
        SaveJson(LoaderEntry, new LoaderInfo(loaderSignature, version));
    }

    /// <summary>Writes a raw entry named <paramref name="name"/> (for example a safetensors file).</summary>
    public void SaveStream(string name, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var stream = Create(name).Open();
        write(stream);
    }

    /// <summary>Writes a binary entry.</summary>
    public void SaveBinaryStream(string name, Action<BinaryWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        SaveStream(name, s =>
        {
            using var writer = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            write(writer);
        });
    }

    /// <summary>Writes a UTF-8 text entry.</summary>
    public void SaveTextStream(string name, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        SaveStream(name, s =>
        {
            using var writer = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true);
            writer.NewLine = "\n";
            write(writer);
        });
    }

    /// <summary>Writes <paramref name="value"/> as an indented JSON entry.</summary>
    public void SaveJson<T>(string name, T value) =>
        SaveStream(name, s => JsonSerializer.Serialize(s, value, ModelJson.Options));

    /// <summary>Writes <paramref name="model"/> into the subfolder <paramref name="name"/>; it must set its loader signature.</summary>
    public void SaveModel(ICanSaveModel model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckName(name);
        var child = new ModelSaveContext(archive, Directory + name + "/", written);
        model.Save(child);
        if (child.LoaderSignature is null)
        {
            throw new InvalidOperationException($"{model.GetType().Name}.Save wrote folder '{child.Directory}' without calling SetVersionInfo, so it could not be loaded back.");
        }
    }

    private ZipArchiveEntry Create(string name)
    {
        CheckName(name);
        string full = Directory + name;
        if (!written.Add(full))
        {
            throw new InvalidOperationException($"Model entry '{full}' is written twice.");
        }

        return archive.CreateEntry(full, CompressionLevel.Optimal);
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/') || name.Contains('\\') || name is "." or "..")
        {
            throw new ArgumentException($"Model entry name '{name}' must be a single name without '/' or '\\'.", nameof(name));
        }
    }
}
