using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// PyTorch-ordered state dicts, checked loading (names, shapes, dtypes), and safetensors files of them through
/// TorchSharp.PyBridge (readable by <c>safetensors.torch.load_file</c> and PyTorch's <c>load_state_dict</c>).
/// </summary>
internal static class StateDicts
{
    /// <summary>Writes <paramref name="tensors"/> as a safetensors file to <paramref name="stream"/> (left open), in the dictionary's order.</summary>
    internal static void Write(Stream stream, Dictionary<string, Tensor> tensors) =>
        Safetensors.SaveStateDict(stream, tensors, leaveOpen: true);

    /// <summary>
    /// Reads a whole safetensors file from <paramref name="stream"/> (seekable, positioned at the start; left open). Any
    /// malformed content is an <see cref="InvalidDataException"/> naming <paramref name="source"/>. The caller disposes the tensors.
    /// </summary>
    internal static Dictionary<string, Tensor> Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long start = stream.Position, length = stream.Length - start;
        Span<byte> prefix = stackalloc byte[8];
        if (length < 8 || stream.Read(prefix) != 8)
        {
            throw new InvalidDataException($"'{source}' is not a safetensors file: it is shorter than its 8-byte header length.");
        }

        ulong header = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (header < 2 || header > (ulong)(length - 8))
        {
            throw new InvalidDataException($"'{source}' is not a safetensors file: its header claims {header} bytes but only {length - 8} follow.");
        }

        var json = new byte[header];
        stream.ReadExactly(json);
        CheckIndex(json, (long)((ulong)(length - 8) - header), source);
        stream.Position = start;
        try
        {
            return Safetensors.LoadStateDict(stream, leaveOpen: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{source}' is not a readable safetensors file: {e.Message}", e);
        }
    }

    /// <summary>Checks every entry of a safetensors header: a known dtype, a shape, and data offsets inside the file that fit the shape.</summary>
    private static void CheckIndex(byte[] json, long dataLength, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{source}' is not a safetensors file: its header is not JSON ({e.Message}).", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"'{source}' is not a safetensors file: its header is not a JSON object.");
            }

            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    continue;
                }

                try
                {
                    string dtype = entry.Value.GetProperty("dtype").GetString() ?? string.Empty;
                    long elementSize = dtype switch
                    {
                        "F64" or "I64" => 8,
                        "F32" or "I32" => 4,
                        "F16" or "BF16" or "I16" => 2,
                        "I8" or "U8" or "BOOL" => 1,
                        _ => throw new InvalidDataException($"'{source}': tensor '{entry.Name}' has dtype '{dtype}'; supported are F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL."),
                    };
                    long count = entry.Value.GetProperty("shape").EnumerateArray().Aggregate(1L, (a, d) => checked(a * d.GetInt64()));
                    var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
                    if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength || offsets[1] - offsets[0] != count * elementSize)
                    {
                        throw new InvalidDataException($"'{source}': tensor '{entry.Name}' has data offsets [{string.Join(", ", offsets)}] that do not hold {count} {dtype} values inside the {dataLength} data bytes; the file may be truncated or damaged.");
                    }
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
                {
                    throw new InvalidDataException($"'{source}': the header entry of tensor '{entry.Name}' is malformed ({e.Message}).", e);
                }
            }
        }
    }

    internal static void AddInPyTorchOrder(nn.Module module, string prefix, Dictionary<string, Tensor> destination)
    {
        foreach (var (name, parameter) in module.named_parameters(recurse: false))
        {
            destination.TryAdd(prefix + name, parameter);
        }

        foreach (var (name, buffer) in module.named_buffers(recurse: false, include_nonpersistent: false))
        {
            destination.TryAdd(prefix + name, buffer);
        }

        foreach (var (name, child) in module.named_children())
        {
            AddInPyTorchOrder(child, prefix + name + ".", destination);
        }
    }

    internal static (IList<string> Missing, IList<string> Unexpected) Load(Dictionary<string, Tensor> target, IReadOnlyDictionary<string, Tensor> source, bool strict, IList<string>? skip)
    {
        skip ??= [];
        var missing = target.Keys.Where(k => !source.ContainsKey(k) && !skip.Contains(k)).ToList();
        var unexpected = source.Keys.Where(k => !target.ContainsKey(k) && !skip.Contains(k)).ToList();
        var errors = new StringBuilder();
        if (strict && missing.Count > 0)
        {
            errors.Append("\n\tMissing key(s) in state_dict: ").Append(string.Join(", ", missing.Select(k => $"\"{k}\""))).Append('.');
        }

        if (strict && unexpected.Count > 0)
        {
            errors.Append("\n\tUnexpected key(s) in state_dict: ").Append(string.Join(", ", unexpected.Select(k => $"\"{k}\""))).Append('.');
        }

        foreach (var (key, value) in source)
        {
            if (target.TryGetValue(key, out var current) && !skip.Contains(key) && !current.shape.SequenceEqual(value.shape))
            {
                errors.Append($"\n\tsize mismatch for {key}: copying a param with shape [{string.Join(", ", value.shape)}] from checkpoint, the shape in current model is [{string.Join(", ", current.shape)}].");
            }
        }

        if (errors.Length > 0)
        {
            throw new ArgumentException("Error(s) in loading state_dict:" + errors, nameof(source));
        }

        using var noGrad = no_grad();
        foreach (var (key, value) in source)
        {
            if (target.TryGetValue(key, out var current) && !skip.Contains(key))
            {
                current.copy_(value);
            }
        }

        return (missing, unexpected);
    }
}
