using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text.Json;

namespace ClassyNet.MLNet.Persistence;

/// <summary>
/// Reads a ClassyNet model file (<see cref="ModelArchive"/>): checks the manifest's format and version on open, and
/// every entry's length and CRC-32 before its bytes are handed on. Any problem is an <see cref="InvalidDataException"/>
/// naming the file and the entry.
/// </summary>
internal sealed class ModelArchiveReader : IDisposable
{
    private readonly ZipArchive zip;
    private readonly ModelManifest manifest;

    private ModelArchiveReader(ZipArchive zip, ModelManifest manifest, string source)
    {
        this.zip = zip;
        this.manifest = manifest;
        Source = source;
    }

    /// <summary>The file, for messages.</summary>
    public string Source { get; }

    /// <summary>The steps of the pipeline, in order.</summary>
    public IReadOnlyList<ModelPart> Parts => manifest.Parts;

    /// <summary>Opens the model file in <paramref name="stream"/> and checks its manifest; <paramref name="source"/> names it in errors.</summary>
    public static ModelArchiveReader Open(Stream stream, string source)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"'{source}' is not a ClassyNet model file: it is not a readable zip ({e.Message}).", e);
        }

        try
        {
            var manifest = ReadManifest(zip, source);
            return new ModelArchiveReader(zip, manifest, source);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of entry <paramref name="name"/> after checking its length and CRC-32 against the manifest.</summary>
    public MemoryStream Open(string name)
    {
        if (!manifest.Entries.TryGetValue(name, out var expected))
        {
            throw Error(name, "the manifest does not list it");
        }

        var bytes = ReadEntry(zip, name, expected.Length, Source);
        uint crc = Crc32.HashToUInt32(bytes);
        if (bytes.Length != expected.Length || crc != expected.Crc32)
        {
            throw Error(name, $"it is damaged: {bytes.Length} bytes with CRC-32 {crc:X8} where the manifest says {expected.Length} bytes with CRC-32 {expected.Crc32:X8}");
        }

        return new MemoryStream(bytes, writable: false);
    }

    /// <summary>Entry <paramref name="name"/> read as JSON (checked like <see cref="Open(string)"/>).</summary>
    public T ReadJson<T>(string name)
        where T : class
    {
        using var stream = Open(name);
        try
        {
            return JsonSerializer.Deserialize<T>(stream, ModelArchive.Json) ?? throw Error(name, "it holds null");
        }
        catch (JsonException e)
        {
            throw Error(name, $"it is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>An error naming the file and entry <paramref name="entry"/>.</summary>
    public InvalidDataException Error(string entry, string reason, Exception? inner = null) =>
        new($"'{Source}' is not a valid ClassyNet model file: entry '{entry}': {reason}.", inner);

    /// <inheritdoc/>
    public void Dispose() => zip.Dispose();

    private static ModelManifest ReadManifest(ZipArchive zip, string source)
    {
        const string name = ModelArchive.ManifestEntry;
        if (FindEntry(zip, name, source) is null)
        {
            throw new InvalidDataException($"'{source}' is not a ClassyNet model file: it has no '{name}' entry (save models with mlContext.Model.SaveClassyNet).");
        }

        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(ReadEntry(zip, name, 1 << 20, source), ModelArchive.Json);
        }
        catch (JsonException e)
        {
            throw Invalid(source, name, $"it is not valid JSON ({e.Message})", e);
        }

        if (manifest is null || manifest.Format != ModelArchive.FormatName)
        {
            throw Invalid(source, name, $"format '{manifest?.Format}' is not '{ModelArchive.FormatName}'");
        }

        if (manifest.Version != ModelArchive.FormatVersion)
        {
            throw Invalid(source, name, $"version {manifest.Version.ToString(CultureInfo.InvariantCulture)} is not supported (this library reads version {ModelArchive.FormatVersion.ToString(CultureInfo.InvariantCulture)})");
        }

        if (manifest.Parts is null || manifest.Entries is null || manifest.Parts.Any(p => p is null || string.IsNullOrEmpty(p.Kind) || string.IsNullOrEmpty(p.Folder))
            || manifest.Entries.Any(e => e.Value is null || e.Value.Length < 0 || e.Value.Length > ModelArchive.MaxEntryBytes))
        {
            throw Invalid(source, name, "its steps or entries are incomplete");
        }

        return manifest;
    }

    private static ZipArchiveEntry? FindEntry(ZipArchive zip, string name, string source)
    {
        try
        {
            return zip.GetEntry(name);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            throw Invalid(source, name, $"the zip directory is damaged ({e.Message})", e);
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> + 1 bytes of an entry; memory grows only with the bytes actually there.</summary>
    private static byte[] ReadEntry(ZipArchive zip, string name, long limit, string source)
    {
        var entry = FindEntry(zip, name, source) ?? throw Invalid(source, name, "it is missing");
        try
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            var chunk = new byte[81920];
            long room = limit + 1;
            int n;
            while (room > 0 && (n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, room))) > 0)
            {
                copy.Write(chunk, 0, n);
                room -= n;
            }

            if (copy.Length > limit)
            {
                throw Invalid(source, name, $"it is longer than the {limit.ToString(CultureInfo.InvariantCulture)} bytes allowed");
            }

            return copy.ToArray();
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ArgumentException || (e is InvalidDataException && !e.Message.StartsWith($"'{source}'", StringComparison.Ordinal)))
        {
            throw Invalid(source, name, $"it cannot be read ({e.Message})", e);
        }
    }

    private static InvalidDataException Invalid(string source, string entry, string reason, Exception? inner = null) =>
        new($"'{source}' is not a valid ClassyNet model file: entry '{entry}': {reason}.", inner);
}
