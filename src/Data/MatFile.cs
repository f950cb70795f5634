using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// A MATLAB level-5 MAT-file (what <c>save</c> writes up to <c>-v7</c>, and scipy's <c>savemat</c>) holding numeric
/// arrays: a 128-byte header (text, subsystem offset, version 0x0100, endian indicator 'IM'), then data elements, each
/// an 8-byte tag (type, byte count; or the small form with the count in the upper 16 bits of the first word and up to
/// 4 data bytes) padded to 8 bytes. Top-level elements are miMATRIX (14) or miCOMPRESSED (15, a zlib stream holding a
/// miMATRIX). Little-endian files only. Every size in the file is checked against the bytes that are actually there
/// (for compressed elements, against the decompressed length) before anything is allocated.
/// </summary>
public sealed class MatFile
{
    private const int HeaderSize = 128;
    private const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7;
    private const int MiDouble = 9, MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15, MiUtf8 = 16;
    private const int ComplexFlag = 0x08, LogicalFlag = 0x02;
    private const int ChunkBytes = 1 << 16;

    private readonly Dictionary<string, MatArray> byName = new(StringComparer.Ordinal);

    private MatFile(string source, string headerText, List<MatArray> arrays)
    {
        Source = source;
        HeaderText = headerText;
        Arrays = arrays;
        foreach (var array in arrays)
        {
            byName.TryAdd(array.Name, array);
        }
    }

    /// <summary>The path (or the name given to <see cref="Read(Stream, string)"/>) the file was read from.</summary>
    public string Source { get; }

    /// <summary>The descriptive text of the header (e.g. "MATLAB 5.0 MAT-file, Platform: ..."), trailing blanks removed.</summary>
    public string HeaderText { get; }

    /// <summary>The variables in file order.</summary>
    public IReadOnlyList<MatArray> Arrays { get; }

    /// <summary>The variable called <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> listing the names present when absent.</summary>
    public MatArray this[string name] => TryGetArray(name, out var array) ? array
        : throw new KeyNotFoundException($"MAT-file '{Source}' has no variable '{name}'; it holds [{string.Join(", ", Arrays.Select(a => a.Name))}].");

    /// <summary>Finds the (first) variable called <paramref name="name"/>.</summary>
    public bool TryGetArray(string name, [NotNullWhen(true)] out MatArray? array) => byName.TryGetValue(name, out array);

    /// <summary>Reads the MAT-file at <paramref name="path"/>.</summary>
    public static MatFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"MAT-file '{path}' does not exist.", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes);
        return Read(stream, path);
    }

    /// <summary>Reads a MAT-file from a readable, seekable <paramref name="stream"/> (from its current position to its end); <paramref name="source"/> names it in errors.</summary>
    public static MatFile Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException($"The stream of '{source}' must be readable and seekable (compressed elements are read twice: once to measure them).", nameof(stream));
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("MatFile reads little-endian data and needs a little-endian machine.");
        }

        long length = stream.Length - stream.Position;
        var header = new byte[HeaderSize];
        if (length < HeaderSize)
        {
            throw Corrupt(source, $"it has {length} bytes, fewer than the {HeaderSize}-byte MAT-file header");
        }

        stream.ReadExactly(header);
        string text = Encoding.ASCII.GetString(header, 0, 116).TrimEnd(' ', '\0');
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(124));
        string endian = $"{(char)header[126]}{(char)header[127]}";
        if (endian == "MI")
        {
            throw Corrupt(source, "it is a big-endian MAT-file (endian indicator 'MI'); only little-endian files ('IM') are supported: re-save it on a little-endian machine or with scipy.io.savemat");
        }

        if (endian != "IM")
        {
            throw Corrupt(source, $"bytes 126-127 are 0x{header[126]:X2}{header[127]:X2}, not the endian indicator 'IM' of a level-5 MAT-file (level-4 files and other formats are not supported)");
        }

        if (version != 0x0100)
        {
            string hint = version == 0x0200 ? " (MATLAB v7.3 HDF5-based file: re-save it with save(..., '-v7'))" : string.Empty;
            throw Corrupt(source, $"header version is 0x{version:X4}, expected 0x0100{hint}");
        }

        var arrays = new List<MatArray>();
        var reader = new Reader(stream, length - HeaderSize, source, "the file");
        for (int index = 0; reader.Remaining > 0; index++)
        {
            long offset = HeaderSize + reader.Position;
            if (reader.Remaining < 8)
            {
                throw Corrupt(source, $"it ends with {reader.Remaining} bytes at offset {offset}, too few for the 8-byte tag of element {index}: the file is truncated");
            }

            string what = $"top-level element {index} at byte offset {offset}";
            long left = reader.Remaining;
            var tag = ReadTag(reader, ref left, what, checkLength: false);
            if (tag.Small || (tag.Type != MiMatrix && tag.Type != MiCompressed))
            {
                throw Corrupt(source, $"{what} has data type {TypeName(tag.Type)}; expected miMATRIX (14) or miCOMPRESSED (15)");
            }

            if (tag.Type == MiMatrix)
            {
                AddMatrix(arrays, reader, tag.Bytes, what);
            }
            else
            {
                ReadCompressed(arrays, stream, reader, tag.Bytes, what);
            }
        }

        return new MatFile(source, text, arrays);
    }

    private static void ReadCompressed(List<MatArray> arrays, Stream stream, Reader outer, long compressedBytes, string what)
    {
        string source = outer.Source;
        if (compressedBytes > outer.Remaining)
        {
            throw Corrupt(source, $"{what} (miCOMPRESSED) declares {compressedBytes} compressed bytes but only {outer.Remaining} remain in the file: the file is truncated");
        }

        long start = stream.Position;
        string zlib = $"the zlib stream ({compressedBytes} bytes) of {what}";

        // Pass 1 measures the decompressed length, so that every size declared inside is checked against real bytes.
        long decompressed = 0;
        var buffer = new byte[ChunkBytes];
        try
        {
            using var z = new ZLibStream(new BoundedStream(stream, compressedBytes), CompressionMode.Decompress);
            for (int n; (n = z.Read(buffer)) > 0;)
            {
                decompressed += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(source, $"{zlib} is corrupt: {e.Message.TrimEnd('.')}", e);
        }

        stream.Position = start;
        using (var z = new ZLibStream(new BoundedStream(stream, compressedBytes), CompressionMode.Decompress))
        {
            var inner = new Reader(z, decompressed, source, zlib);
            for (int index = 0; inner.Remaining > 0; index++)
            {
                string innerWhat = $"element {index} of {zlib}";
                long left = inner.Remaining;
                var tag = ReadTag(inner, ref left, innerWhat, checkLength: false);
                if (tag.Small || tag.Type != MiMatrix)
                {
                    throw Corrupt(source, $"{innerWhat} has data type {TypeName(tag.Type)}; expected miMATRIX (14)");
                }

                AddMatrix(arrays, inner, tag.Bytes, innerWhat);
            }
        }

        stream.Position = start + compressedBytes;
        outer.Consumed(compressedBytes);
    }

    private static void AddMatrix(List<MatArray> arrays, Reader reader, long declared, string what)
    {
        var array = ReadMatrix(reader, declared, what);
        if (array is not null)
        {
            arrays.Add(array);
        }
    }

    private static MatArray? ReadMatrix(Reader r, long declared, string what)
    {
        string source = r.Source;
        long available = r.Remaining;
        string truncation = declared > available
            ? $"; its miMATRIX element declares {declared} bytes but only {available} follow its tag: the data is truncated"
            : string.Empty;
        long left = Math.Min(declared, available);
        if (declared == 0)
        {
            return null;
        }

        what = $"miMATRIX of {what}";
        var flagsTag = ReadTag(r, ref left, $"array flags of {what}", truncation);
        var flags = ReadPayload(r, flagsTag, ref left);
        if (flagsTag.Type != MiUInt32 || flags.Length != 8)
        {
            throw Corrupt(source, $"the array flags ({what}) are {flags.Length} bytes of {TypeName(flagsTag.Type)}; expected 8 bytes of miUINT32 (6)");
        }

        int classId = flags[0];
        int flagBits = flags[1];

        var dimsTag = ReadTag(r, ref left, $"dimensions of {what}", truncation);
        if (dimsTag.Type != MiInt32 || dimsTag.Bytes % 4 != 0 || dimsTag.Bytes < 8)
        {
            throw Corrupt(source, $"the dimensions of {what} are {dimsTag.Bytes} bytes of {TypeName(dimsTag.Type)}; expected at least two miINT32 (5) values");
        }

        var dimBytes = ReadPayload(r, dimsTag, ref left);
        var dims = new int[dimBytes.Length / 4];
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32LittleEndian(dimBytes.AsSpan(4 * i));
            if (dims[i] < 0)
            {
                throw Corrupt(source, $"dimension {i} of {what} is negative ({dims[i]})");
            }

            count = Math.Min(count * dims[i], (long)int.MaxValue + 1);
        }

        var nameTag = ReadTag(r, ref left, $"array name of {what}", truncation);
        if (nameTag.Type != MiInt8 && nameTag.Type != MiUInt8 && nameTag.Type != MiUtf8)
        {
            throw Corrupt(source, $"the array name of {what} has data type {TypeName(nameTag.Type)}; expected miINT8 (1)");
        }

        string name = Encoding.UTF8.GetString(ReadPayload(r, nameTag, ref left)).TrimEnd('\0');
        what = $"variable '{name}' ({what})";
        if (classId < (int)MatClass.Double || classId > (int)MatClass.UInt64)
        {
            throw Corrupt(source, $"{what} has class {ClassName(classId)}; only numeric arrays are supported (mxDOUBLE_CLASS, mxSINGLE_CLASS and the mxINT*/mxUINT* classes)");
        }

        if ((flagBits & ComplexFlag) != 0)
        {
            throw Corrupt(source, $"{what} is complex; only real arrays are supported");
        }

        var matClass = (MatClass)classId;
        if (count > Array.MaxLength)
        {
            throw Corrupt(source, $"{what} has dimensions [{string.Join(", ", dims)}], more than the {Array.MaxLength} elements an array can hold");
        }

        var realTag = ReadTag(r, ref left, $"real part of {what}", truncation);
        int size = SizeOf(realTag.Type);
        if (size == 0)
        {
            throw Corrupt(source, $"the real part of {what} has data type {TypeName(realTag.Type)}; expected a numeric type (miINT8 .. miUINT64, miSINGLE, miDOUBLE)");
        }

        if (realTag.Bytes != count * size)
        {
            throw Corrupt(source, $"the real part of {what} holds {realTag.Bytes} bytes of {TypeName(realTag.Type)} but dimensions [{string.Join(", ", dims)}] need {count} values ({count * size} bytes)");
        }

        var values = ReadValues(r, realTag, matClass, (int)count, what);
        left -= realTag.Small ? 0 : realTag.Bytes;
        SkipPadding(r, realTag, ref left);
        if (declared > available)
        {
            throw Corrupt(source, $"{what} is truncated{truncation}");
        }

        // Anything after the real part (there should be nothing for a real array) is skipped.
        r.Skip(left);
        return new MatArray(name, matClass, (flagBits & LogicalFlag) != 0, dims, values);
    }

    private static Array ReadValues(Reader r, Tag tag, MatClass matClass, int count, string what)
    {
        Array values = matClass switch
        {
            MatClass.Double => new double[count],
            MatClass.Single => new float[count],
            MatClass.Int8 => new sbyte[count],
            MatClass.UInt8 => new byte[count],
            MatClass.Int16 => new short[count],
            MatClass.UInt16 => new ushort[count],
            MatClass.Int32 => new int[count],
            MatClass.UInt32 => new uint[count],
            MatClass.Int64 => new long[count],
            _ => new ulong[count],
        };

        int size = SizeOf(tag.Type);
        try
        {
            if (tag.Small)
            {
                Span<byte> small = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(small, tag.SmallData);
                Convert(small[..(int)tag.Bytes], tag.Type, matClass, values, 0, count);
            }
            else if (StorageType(matClass) == tag.Type)
            {
                ReadDirect(r, matClass, values, count, size);
            }
            else
            {
                var buffer = new byte[(int)Math.Min(tag.Bytes, ChunkBytes)];
                for (int done = 0; done < count;)
                {
                    int n = Math.Min(count - done, buffer.Length / size);
                    r.Read(buffer.AsSpan(0, n * size));
                    Convert(buffer.AsSpan(0, n * size), tag.Type, matClass, values, done, n);
                    done += n;
                }
            }
        }
        catch (OverflowException e)
        {
            throw Corrupt(r.Source, $"{what} stores a value of type {TypeName(tag.Type)} that class {matClass} cannot hold", e);
        }

        return values;
    }

    private static void ReadDirect(Reader r, MatClass matClass, Array values, int count, int size)
    {
        int step = ChunkBytes * 16 / size;
        for (int done = 0; done < count; done += step)
        {
            int n = Math.Min(step, count - done);
            r.Read(matClass switch
            {
                MatClass.Double => MemoryMarshal.AsBytes(((double[])values).AsSpan(done, n)),
                MatClass.Single => MemoryMarshal.AsBytes(((float[])values).AsSpan(done, n)),
                MatClass.Int8 => MemoryMarshal.AsBytes(((sbyte[])values).AsSpan(done, n)),
                MatClass.UInt8 => ((byte[])values).AsSpan(done, n),
                MatClass.Int16 => MemoryMarshal.AsBytes(((short[])values).AsSpan(done, n)),
                MatClass.UInt16 => MemoryMarshal.AsBytes(((ushort[])values).AsSpan(done, n)),
                MatClass.Int32 => MemoryMarshal.AsBytes(((int[])values).AsSpan(done, n)),
                MatClass.UInt32 => MemoryMarshal.AsBytes(((uint[])values).AsSpan(done, n)),
                MatClass.Int64 => MemoryMarshal.AsBytes(((long[])values).AsSpan(done, n)),
                _ => MemoryMarshal.AsBytes(((ulong[])values).AsSpan(done, n)),
            });
        }
    }

    private static void Convert(ReadOnlySpan<byte> raw, int type, MatClass matClass, Array values, int offset, int n)
    {
        // Dispatch on the class, not on the array type: the runtime lets a byte[] pass as sbyte[] (and int[] as uint[], ...).
        switch (matClass)
        {
            case MatClass.Double: ConvertTo(raw, type, ((double[])values).AsSpan(offset, n)); break;
            case MatClass.Single: ConvertTo(raw, type, ((float[])values).AsSpan(offset, n)); break;
            case MatClass.Int8: ConvertTo(raw, type, ((sbyte[])values).AsSpan(offset, n)); break;
            case MatClass.UInt8: ConvertTo(raw, type, ((byte[])values).AsSpan(offset, n)); break;
            case MatClass.Int16: ConvertTo(raw, type, ((short[])values).AsSpan(offset, n)); break;
            case MatClass.UInt16: ConvertTo(raw, type, ((ushort[])values).AsSpan(offset, n)); break;
            case MatClass.Int32: ConvertTo(raw, type, ((int[])values).AsSpan(offset, n)); break;
            case MatClass.UInt32: ConvertTo(raw, type, ((uint[])values).AsSpan(offset, n)); break;
            case MatClass.Int64: ConvertTo(raw, type, ((long[])values).AsSpan(offset, n)); break;
            default: ConvertTo(raw, type, ((ulong[])values).AsSpan(offset, n)); break;
        }
    }

    private static void ConvertTo<TDst>(ReadOnlySpan<byte> raw, int type, Span<TDst> dst)
        where TDst : INumberBase<TDst>
    {
        switch (type)
        {
            case MiInt8: ConvertFrom<sbyte, TDst>(raw, dst); break;
            case MiUInt8: ConvertFrom<byte, TDst>(raw, dst); break;
            case MiInt16: ConvertFrom<short, TDst>(raw, dst); break;
            case MiUInt16: ConvertFrom<ushort, TDst>(raw, dst); break;
            case MiInt32: ConvertFrom<int, TDst>(raw, dst); break;
            case MiUInt32: ConvertFrom<uint, TDst>(raw, dst); break;
            case MiSingle: ConvertFrom<float, TDst>(raw, dst); break;
            case MiDouble: ConvertFrom<double, TDst>(raw, dst); break;
            case MiInt64: ConvertFrom<long, TDst>(raw, dst); break;
            case MiUInt64: ConvertFrom<ulong, TDst>(raw, dst); break;
            default: throw new InvalidOperationException(TypeName(type));
        }
    }

    private static void ConvertFrom<TSrc, TDst>(ReadOnlySpan<byte> raw, Span<TDst> dst)
        where TSrc : unmanaged, INumberBase<TSrc>
        where TDst : INumberBase<TDst>
    {
        var src = MemoryMarshal.Cast<byte, TSrc>(raw);
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = TDst.CreateChecked(src[i]);
        }
    }

    private static Tag ReadTag(Reader r, ref long left, string what, string truncation = "", bool checkLength = true)
    {
        if (left < 8)
        {
            throw Corrupt(r.Source, $"the {what} is truncated: its tag needs 8 bytes but only {left} remain{truncation}");
        }

        Span<byte> b = stackalloc byte[8];
        r.Read(b);
        left -= 8;
        uint w0 = BinaryPrimitives.ReadUInt32LittleEndian(b);
        uint w1 = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        if ((w0 >> 16) != 0)
        {
            uint bytes = w0 >> 16;
            if (bytes > 4)
            {
                throw Corrupt(r.Source, $"the {what} has a small-element tag declaring {bytes} bytes; the small form holds at most 4");
            }

            return new Tag((int)(w0 & 0xFFFF), bytes, Small: true, w1);
        }

        if (checkLength && w1 > left)
        {
            throw Corrupt(r.Source, $"the {what} is truncated: its {TypeName((int)w0)} data declares {w1} bytes but only {left} remain{truncation}");
        }

        return new Tag((int)w0, w1, Small: false, 0);
    }

    private static byte[] ReadPayload(Reader r, Tag tag, ref long left)
    {
        var data = new byte[tag.Bytes];
        if (tag.Small)
        {
            Span<byte> small = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(small, tag.SmallData);
            small[..data.Length].CopyTo(data);
            return data;
        }

        r.Read(data);
        left -= tag.Bytes;
        SkipPadding(r, tag, ref left);
        return data;
    }

    private static void SkipPadding(Reader r, Tag tag, ref long left)
    {
        if (!tag.Small)
        {
            long pad = Math.Min((8 - (tag.Bytes % 8)) % 8, left);
            r.Skip(pad);
            left -= pad;
        }
    }

    private static int SizeOf(int type) => type switch
    {
        MiInt8 or MiUInt8 => 1,
        MiInt16 or MiUInt16 => 2,
        MiInt32 or MiUInt32 or MiSingle => 4,
        MiDouble or MiInt64 or MiUInt64 => 8,
        _ => 0,
    };

    private static int StorageType(MatClass c) => c switch
    {
        MatClass.Double => MiDouble,
        MatClass.Single => MiSingle,
        MatClass.Int8 => MiInt8,
        MatClass.UInt8 => MiUInt8,
        MatClass.Int16 => MiInt16,
        MatClass.UInt16 => MiUInt16,
        MatClass.Int32 => MiInt32,
        MatClass.UInt32 => MiUInt32,
        MatClass.Int64 => MiInt64,
        _ => MiUInt64,
    };

    private static string TypeName(int type) => type switch
    {
        MiInt8 => "miINT8 (1)",
        MiUInt8 => "miUINT8 (2)",
        MiInt16 => "miINT16 (3)",
        MiUInt16 => "miUINT16 (4)",
        MiInt32 => "miINT32 (5)",
        MiUInt32 => "miUINT32 (6)",
        MiSingle => "miSINGLE (7)",
        MiDouble => "miDOUBLE (9)",
        MiInt64 => "miINT64 (12)",
        MiUInt64 => "miUINT64 (13)",
        MiMatrix => "miMATRIX (14)",
        MiCompressed => "miCOMPRESSED (15)",
        MiUtf8 => "miUTF8 (16)",
        17 => "miUTF16 (17)",
        18 => "miUTF32 (18)",
        _ => $"unknown type {type}",
    };

    private static string ClassName(int classId) => classId switch
    {
        1 => "mxCELL_CLASS (1)",
        2 => "mxSTRUCT_CLASS (2)",
        3 => "mxOBJECT_CLASS (3)",
        4 => "mxCHAR_CLASS (4)",
        5 => "mxSPARSE_CLASS (5)",
        >= 6 and <= 15 => $"{(MatClass)classId} ({classId})",
        16 => "mxFUNCTION_CLASS (16)",
        17 => "mxOPAQUE_CLASS (17)",
        _ => $"unknown class {classId}",
    };

    private static InvalidDataException Corrupt(string source, string reason, Exception? inner = null) =>
        new($"'{source}' is not a valid MAT-file: {reason}.", inner);

    private readonly record struct Tag(int Type, long Bytes, bool Small, uint SmallData);

    /// <summary>Reads a known number of bytes from a stream, turning early ends and decoder errors into clear errors.</summary>
    private sealed class Reader(Stream stream, long length, string source, string context)
    {
        private readonly long total = length;
        private byte[]? scratch;

        public string Source => source;

        public long Remaining { get; private set; } = length;

        public long Position => total - Remaining;

        public void Read(Span<byte> buffer)
        {
            if (buffer.Length > Remaining)
            {
                throw Corrupt(source, $"{context} ends at byte {total} but {buffer.Length} bytes are needed at byte {Position}");
            }

            int got;
            try
            {
                got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (InvalidDataException e)
            {
                throw Corrupt(source, $"{context} is corrupt: {e.Message.TrimEnd('.')}", e);
            }

            if (got < buffer.Length)
            {
                throw Corrupt(source, $"{context} ended at byte {Position + got}, {buffer.Length - got} bytes early (did the file change while being read?)");
            }

            Remaining -= buffer.Length;
        }

        public void Skip(long count)
        {
            scratch ??= new byte[ChunkBytes];
            while (count > 0)
            {
                int n = (int)Math.Min(count, scratch.Length);
                Read(scratch.AsSpan(0, n));
                count -= n;
            }
        }

        public void Consumed(long count) => Remaining -= count;
    }

    /// <summary>A read-only view of the next <c>length</c> bytes of a stream, so that zlib cannot read past its element.</summary>
    private sealed class BoundedStream(Stream inner, long length) : Stream
    {
        private long left = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (left <= 0)
            {
                return 0;
            }

            int n = inner.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
            left -= n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
