namespace ClassyNet.MLNet.Persistence;

/// <summary>The manifest of a ClassyNet model file: format, version, the pipeline's steps in order and every entry's checksum.</summary>
/// <param name="Format">Always <see cref="ModelArchive.FormatName"/>.</param>
/// <param name="Version">The file version (<see cref="ModelArchive.FormatVersion"/>).</param>
/// <param name="Parts">The steps of the pipeline, in order.</param>
/// <param name="Entries">Every other entry of the file with its CRC-32 and length.</param>
internal sealed record ModelManifest(string Format, int Version, ModelPart[] Parts, Dictionary<string, ModelEntry> Entries);
