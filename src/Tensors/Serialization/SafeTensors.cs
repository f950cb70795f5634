using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ClassyNet.MLNet.Tensors.Serialization;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a UTF-8 JSON header mapping each
/// name to its dtype, shape and [begin, end) byte offsets into the data section, then the raw little-endian data.
/// Reading accepts F32, F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL (converted to float32); writing uses F32.
/// Every offset and size is checked against the file before anything is allocated, so a lying header cannot cause a
/// huge allocation or an out-of-range read.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                Write(tensors, stream, metadata);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="tensors"/> in safetensors layout to <paramref name="stream"/>.</summary>
    public static void Write(IEnumerable<KeyValuePair<string, Tensor>> tensors, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(stream);
        var entries = tensors.ToList();
        var names = new HashSet<string>();
        using var headerBuffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerBuffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata)
                {
                    json.WriteString(k, v);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, tensor) in entries)
            {
                if (string.IsNullOrEmpty(name) || name == "__metadata__" || !names.Add(name))
                {
                    throw new ArgumentException($"Tensor name '{name}' is empty, reserved or repeated.", nameof(tensors));
                }

                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 4L * tensor.Numel;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // Pad the header with spaces to a multiple of 8 so the data section is aligned (as the reference writer does).
        int length = (int)headerBuffer.Length;
        int padded = (length + 7) / 8 * 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        stream.Write(prefix);
        stream.Write(headerBuffer.GetBuffer().AsSpan(0, length));
        for (int i = length; i < padded; i++)
        {
            stream.WriteByte((byte)' ');
        }

        var bytes = new byte[64 * 1024];
        foreach (var (_, tensor) in entries)
        {
            var data = tensor.AsSpan();
            for (int start = 0; start < data.Length; start += bytes.Length / 4)
            {
                int count = Math.Min(bytes.Length / 4, data.Length - start);
                for (int i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[start + i]);
                }

                stream.Write(bytes, 0, count * 4);
            }
        }
    }

    /// <summary>Loads every tensor of the file at <paramref name="path"/>.</summary>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"safetensors file '{path}' does not exist.", path);
        }

        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a safetensors file from a seekable or non-seekable stream of known content.</summary>
    public static SafeTensorsFile Read(Stream stream, string source = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] content;
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining < 8)
            {
                throw Corrupt(source, $"it is {remaining} bytes long, shorter than the 8-byte header length");
            }

            content = new byte[remaining];
            stream.ReadExactly(content);
        }
        else
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            content = copy.ToArray();
        }

        return Parse(content, source);
    }

    private static SafeTensorsFile Parse(byte[] content, string source)
    {
        if (content.Length < 8)
        {
            throw Corrupt(source, $"it is {content.Length} bytes long, shorter than the 8-byte header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(content);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(content.Length - 8))
        {
            throw Corrupt(source, $"the header claims {headerLength} bytes but the file has {content.Length - 8} bytes after the length prefix (limit {MaxHeaderBytes})");
        }

        long dataStart = 8 + (long)headerLength;
        long dataLength = content.Length - dataStart;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw Corrupt(source, "the header is not valid JSON: " + e.Message);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(source, "the header is not a JSON object");
            }

            var metadata = new Dictionary<string, string>();
            var tensors = new Dictionary<string, Tensor>();
            var ranges = new List<(long Begin, long End, string Name)>();
            try
            {
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (property.Name == "__metadata__")
                    {
                        if (property.Value.ValueKind != JsonValueKind.Object)
                        {
                            throw Corrupt(source, "__metadata__ is not an object of strings");
                        }

                        foreach (var m in property.Value.EnumerateObject())
                        {
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Corrupt(source, $"metadata value '{m.Name}' is not a string");
                        }

                        continue;
                    }

                    var (dtype, shape, begin, end) = ParseEntry(property, source);
                    int size = ElementSize(dtype) ?? throw Corrupt(source, $"tensor '{property.Name}' has unsupported dtype '{dtype}' (supported: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
                    long numel = 1;
                    foreach (long d in shape)
                    {
                        numel *= d;
                        if (numel > int.MaxValue)
                        {
                            throw Corrupt(source, $"tensor '{property.Name}' has more than {int.MaxValue} elements");
                        }
                    }

                    if (begin < 0 || end < begin || end > dataLength)
                    {
                        throw Corrupt(source, $"tensor '{property.Name}' has data_offsets [{begin}, {end}) outside the {dataLength}-byte data section");
                    }

                    if (end - begin != numel * size)
                    {
                        throw Corrupt(source, $"tensor '{property.Name}' ({dtype}, shape [{string.Join(", ", shape)}]) needs {numel * size} bytes but its offsets span {end - begin}");
                    }

                    ranges.Add((begin, end, property.Name));
                    var tensor = TensorScope.Untracked(() => Tensor.Empty(shape.Select(d => (int)d).ToArray()));
                    Decode(dtype, content.AsSpan((int)(dataStart + begin), (int)(end - begin)), tensor.AsSpan());
                    tensors[property.Name] = tensor;
                }
            }
            catch
            {
                foreach (var t in tensors.Values)
                {
                    t.Dispose();
                }

                throw;
            }

            ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (int i = 1; i < ranges.Count; i++)
            {
                if (ranges[i].Begin < ranges[i - 1].End)
                {
                    throw Corrupt(source, $"tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap");
                }
            }

            return new SafeTensorsFile(tensors, metadata);
        }
    }

    private static (string Dtype, long[] Shape, long Begin, long End) ParseEntry(JsonProperty property, string source)
    {
        var v = property.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
        {
            throw Corrupt(source, $"entry '{property.Name}' must be an object with dtype (string), shape (array) and data_offsets ([begin, end])");
        }

        var shape = new List<long>();
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0 || dim > int.MaxValue)
            {
                throw Corrupt(source, $"entry '{property.Name}' has an invalid dimension {d}");
            }

            shape.Add(dim);
        }

        if (!offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end))
        {
            throw Corrupt(source, $"entry '{property.Name}' has non-integer data_offsets");
        }

        return (dtypeEl.GetString()!, shape.ToArray(), begin, end);
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F32" or "I32" => 4,
        "F64" or "I64" => 8,
        "F16" or "BF16" or "I16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => null,
    };

    private static void Decode(string dtype, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (dtype == "F32" && BitConverter.IsLittleEndian)
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) << 16),
                "I64" => BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]),
                "I32" => BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]),
                "I16" => BinaryPrimitives.ReadInt16LittleEndian(bytes[(i * 2)..]),
                "I8" => (sbyte)bytes[i],
                _ => bytes[i],
            };
        }
    }

    private static InvalidDataException Corrupt(string source, string reason) =>
        new($"'{source}' is not a valid safetensors file: {reason}.");
}
