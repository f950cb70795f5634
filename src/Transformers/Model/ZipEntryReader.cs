using System.IO.Compression;

namespace ClassyNet.MLNet.Transformers;

/// <summary>Reads a zip entry into memory and checks it against the CRC-32 the zip records (ZipArchive does not), so a damaged model is reported rather than loaded.</summary>
internal static class ZipEntryReader
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The entry's content; throws <see cref="InvalidDataException"/> naming the entry when its checksum does not match.</summary>
    public static MemoryStream Read(ZipArchiveEntry entry)
    {
        var memory = new MemoryStream(entry.Length is > 0 and < int.MaxValue ? (int)entry.Length : 0);
        using (var stream = entry.Open())
        {
            stream.CopyTo(memory);
        }

        uint crc = Crc32(memory.GetBuffer().AsSpan(0, (int)memory.Length));
        if (crc != entry.Crc32 || memory.Length != entry.Length)
        {
            throw new InvalidDataException($"entry '{entry.FullName}' is damaged: its data ({memory.Length} bytes, CRC-32 {crc:X8}) does not match the zip directory ({entry.Length} bytes, CRC-32 {entry.Crc32:X8})");
        }

        memory.Position = 0;
        return memory;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
