namespace ClassyNet.MLNet.Persistence;

/// <summary>What the manifest records of an entry: its CRC-32 and length, checked on load.</summary>
/// <param name="Crc32">CRC-32 (IEEE) of the entry's bytes.</param>
/// <param name="Length">Length of the entry in bytes.</param>
internal sealed record ModelEntry(uint Crc32, long Length);
