using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ClassyNet.MLNet.Tests.Data;

/// <summary>Writes little-endian MATLAB level-5 MAT-files byte by byte, as MATLAB and scipy.io.savemat lay them out.</summary>
internal static class MatV5Writer
{
    public const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiInt32 = 5, MiUInt32 = 6, MiDouble = 9, MiMatrix = 14, MiCompressed = 15;
    public const int CellClass = 1, DoubleClass = 6, UInt8Class = 9, Int16Class = 10;

    /// <summary>A complete file: the 128-byte header followed by the elements.</summary>
    public static byte[] File(params byte[][] elements) => [.. Header(), .. elements.SelectMany(e => e)];

    public static byte[] Header(string endian = "IM", ushort version = 0x0100)
    {
        var header = new byte[128];
        Array.Fill(header, (byte)' ', 0, 116);
        Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, written by ClassyNet tests").CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), version);
        header[126] = (byte)endian[0];
        header[127] = (byte)endian[1];
        return header;
    }

    /// <summary>A data element: the small form when <paramref name="allowSmall"/> and the data fit in 4 bytes, else tag + data padded to 8 bytes.</summary>
    public static byte[] Element(int type, byte[] data, bool allowSmall = true)
    {
        if (allowSmall && data.Length <= 4)
        {
            var small = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(small, (uint)((data.Length << 16) | type));
            data.CopyTo(small, 4);
            return small;
        }

        var bytes = new byte[8 + data.Length + ((8 - (data.Length % 8)) % 8)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)type);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)data.Length);
        data.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>A miMATRIX element: array flags, dimensions, name and the real part stored as <paramref name="storageType"/>.</summary>
    public static byte[] Matrix(string name, int classId, int[] dims, int storageType, byte[] real, int flagBits = 0, bool smallElements = true)
    {
        var flags = new byte[8];
        flags[0] = (byte)classId;
        flags[1] = (byte)flagBits;
        byte[] body =
        [
            .. Element(MiUInt32, flags, allowSmall: false),
            .. Element(MiInt32, dims.SelectMany(d => BitConverter.GetBytes(d)).ToArray(), allowSmall: false),
            .. Element(MiInt8, Encoding.ASCII.GetBytes(name), smallElements),
            .. Element(storageType, real, smallElements),
        ];
        return Element(MiMatrix, body, allowSmall: false);
    }

    /// <summary>A miCOMPRESSED element holding <paramref name="element"/> as a zlib stream (not padded, like MATLAB).</summary>
    public static byte[] Compressed(byte[] element)
    {
        using var memory = new MemoryStream();
        using (var z = new ZLibStream(memory, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(element);
        }

        return Tagged(MiCompressed, memory.ToArray());
    }

    /// <summary>A tag declaring <paramref name="data"/>'s length followed by the data, unpadded.</summary>
    public static byte[] Tagged(int type, byte[] data)
    {
        var bytes = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)type);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)data.Length);
        data.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Doubles(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Int16s(params short[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
