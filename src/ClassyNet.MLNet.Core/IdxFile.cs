using System.Buffers.Binary;
using System.IO.Compression;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (optionally gzipped): two zero bytes, a type code (0x08 = unsigned byte),
/// the number of dimensions, each dimension as a big-endian int32, then the data in row-major order.
/// </summary>
public sealed class IdxFile
{
    private IdxFile(int[] dimensions, byte[] data)
    {
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>Dimensions, outermost (the item count) first.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>Raw unsigned bytes.</summary>
    public byte[] Data { get; }

    /// <summary>Number of items (the first dimension).</summary>
    public int Count => Dimensions[0];

    /// <summary>Bytes per item (product of the remaining dimensions).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);

    /// <summary>Reads an IDX file of unsigned bytes; a name ending in .gz is decompressed.</summary>
    public static IdxFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        }

        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path);
        }
        catch (InvalidDataException e) when (e.InnerException is null && !e.Message.StartsWith('\''))
        {
            throw new InvalidDataException($"'{path}' is not a valid gzip stream: {e.Message}", e);
        }
    }

    /// <summary>Reads an (uncompressed) IDX stream; <paramref name="source"/> names it in errors.</summary>
    public static IdxFile Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[4];
        if (ReadFully(stream, header) < 4)
        {
            throw Corrupt(source, "it is shorter than the 4-byte magic number");
        }

        if (header[0] != 0 || header[1] != 0)
        {
            throw Corrupt(source, $"magic number 0x{header[0]:X2}{header[1]:X2}{header[2]:X2}{header[3]:X2} does not start with two zero bytes");
        }

        if (header[2] != 0x08)
        {
            throw Corrupt(source, $"type code 0x{header[2]:X2} is not 0x08 (unsigned byte), the only type image datasets use");
        }

        int rank = header[3];
        if (rank < 1 || rank > 4)
        {
            throw Corrupt(source, $"it declares {rank} dimensions; expected 1 to 4");
        }

        var dims = new int[rank];
        Span<byte> dim = stackalloc byte[4];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            if (ReadFully(stream, dim) < 4)
            {
                throw Corrupt(source, $"it ends inside the size of dimension {i}");
            }

            dims[i] = BinaryPrimitives.ReadInt32BigEndian(dim);
            if (dims[i] < 0)
            {
                throw Corrupt(source, $"dimension {i} is negative ({dims[i]})");
            }

            total *= dims[i];
            if (total > int.MaxValue)
            {
                throw Corrupt(source, $"dimensions [{string.Join(", ", dims.Take(i + 1))}] exceed {int.MaxValue} bytes");
            }
        }

        // The header may claim far more than the file holds: grow the buffer with the bytes actually read.
        var data = ReadUpTo(stream, (int)total);
        int read = data.Length;
        if (read < total)
        {
            throw Corrupt(source, $"it is truncated: dimensions [{string.Join(", ", dims)}] need {total} data bytes but only {read} are present");
        }

        if (stream.ReadByte() >= 0)
        {
            throw Corrupt(source, $"it has data beyond the {total} bytes its dimensions [{string.Join(", ", dims)}] declare (the count disagrees with the file size)");
        }

        return new IdxFile(dims, data);
    }

    /// <summary>Reads up to <paramref name="count"/> bytes, allocating in step with what the stream delivers.</summary>
    private static byte[] ReadUpTo(Stream stream, int count)
    {
        var data = new byte[Math.Min(count, 1 << 20)];
        int total = 0;
        while (total < count)
        {
            if (total == data.Length)
            {
                Array.Resize(ref data, (int)Math.Min(count, (long)data.Length * 2));
            }

            int n = ReadFully(stream, data.AsSpan(total));
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total == data.Length ? data : data[..total];
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static InvalidDataException Corrupt(string source, string reason) => new($"'{source}' is not a valid IDX file: {reason}.");
}
