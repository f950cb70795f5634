using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// Copies between managed arrays and libtorch tensors in one block (TorchSharp's element accessors copy element by
/// element). Tensors are made on the CPU and moved when another device is asked for.
/// </summary>
internal static class HostTensors
{
    /// <summary>A float32 tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>, on <paramref name="device"/> (CPU when null).</summary>
    internal static Tensor Floats(ReadOnlySpan<float> values, ReadOnlySpan<long> shape, Device? device = null)
    {
        var host = empty(shape, ScalarType.Float32);
        MemoryMarshal.AsBytes(values).CopyTo(host.bytes);
        return OnDevice(host, device);
    }

    /// <summary>An int64 tensor [N] of class labels (the dtype libtorch's losses and index ops take), on <paramref name="device"/>.</summary>
    internal static Tensor Labels(ReadOnlySpan<int> labels, Device? device = null)
    {
        using var host = empty([labels.Length], ScalarType.Int32);
        MemoryMarshal.AsBytes(labels).CopyTo(host.bytes);
        var wide = host.to(ScalarType.Int64);
        return OnDevice(wide, device);
    }

    /// <summary>The values of a float32 tensor (any device, any layout), row-major.</summary>
    internal static float[] ToFloats(Tensor tensor)
    {
        var result = new float[tensor.numel()];
        CopyTo(tensor, result);
        return result;
    }

    /// <summary>The values of an int64 tensor (any device, any layout), row-major, as ints.</summary>
    internal static int[] ToInts(Tensor tensor)
    {
        using var narrow = tensor.to(ScalarType.Int32, CPU);
        using var dense = narrow.contiguous();
        return MemoryMarshal.Cast<byte, int>(dense.bytes).ToArray();
    }

    /// <summary>Copies a float32 tensor's values (any device, any layout) into <paramref name="destination"/>.</summary>
    internal static void CopyTo(Tensor tensor, Span<float> destination)
    {
        if (tensor.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"Expected a float32 tensor, got {tensor.dtype}.", nameof(tensor));
        }

        using var host = tensor.cpu();
        using var dense = host.contiguous();
        MemoryMarshal.Cast<byte, float>(dense.bytes).CopyTo(destination);
    }

    private static Tensor OnDevice(Tensor host, Device? device)
    {
        if (device is null || device.type == TorchSharp.DeviceType.CPU)
        {
            return host;
        }

        using (host)
        {
            return host.to(device);
        }
    }
}
