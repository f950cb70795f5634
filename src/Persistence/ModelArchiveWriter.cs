using System.IO.Compression;
using System.IO.Hashing;
using System.Text.Json;

namespace ClassyNet.MLNet.Persistence;

/// <summary>
/// Writes a ClassyNet model file (<see cref="ModelArchive"/>) to a stream: entries are added with their CRC-32 and
/// length, and <see cref="Finish"/> writes the manifest listing the steps and checksums.
/// </summary>
internal sealed class ModelArchiveWriter : IDisposable
{
    private readonly ZipArchive zip;
    private readonly List<ModelPart> parts = [];
    private readonly Dictionary<string, ModelEntry> entries = new(StringComparer.Ordinal);

    public ModelArchiveWriter(Stream stream)
    {
        zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
    }

    /// <summary>Starts step <paramref name="kind"/> (entries version <paramref name="version"/>) and returns its folder.</summary>
    public string AddStep(string kind, int version)
    {
        var part = new ModelPart(kind, version, ModelArchive.StepFolder(parts.Count));
        parts.Add(part);
        return part.Folder;
    }

    /// <summary>Adds entry <paramref name="name"/> with what <paramref name="write"/> writes.</summary>
    public void Write(string name, Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        using (var stream = entry.Open())
        {
            stream.Write(bytes);
        }

        entries.Add(name, new ModelEntry(Crc32.HashToUInt32(bytes), bytes.Length));
    }

    /// <summary>Adds entry <paramref name="name"/> holding <paramref name="value"/> as JSON.</summary>
    public void WriteJson<T>(string name, T value) => Write(name, s => JsonSerializer.Serialize(s, value, ModelArchive.Json));

    /// <summary>Writes the manifest and closes the zip (the stream stays open).</summary>
    public void Finish()
    {
        var manifest = new ModelManifest(ModelArchive.FormatName, ModelArchive.FormatVersion, [.. parts], entries);
        var entry = zip.CreateEntry(ModelArchive.ManifestEntry, CompressionLevel.Fastest);
        using (var stream = entry.Open())
        {
            JsonSerializer.Serialize(stream, manifest, ModelArchive.Json);
        }

        zip.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose() => zip.Dispose();
}
