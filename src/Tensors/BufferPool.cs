using System.Numerics;

namespace ClassyNet.MLNet.Tensors;

/// <summary>
/// Pool of float buffers bucketed by exact length. Training repeats the same shapes every step, so exact-size
/// buckets give near-perfect reuse and keep a steady-state step from allocating activation-sized arrays.
/// </summary>
internal static class BufferPool
{
    private const int MaxPerBucket = 64;
    private const int MinPooledLength = 256;
    private static readonly Dictionary<int, Stack<float[]>> Buckets = new();
    private static readonly Lock Gate = new();

    /// <summary>Returns an array of exactly <paramref name="length"/> floats, zeroed when <paramref name="clear"/> is set.</summary>
    public static float[] Rent(int length, bool clear)
    {
        if (length < MinPooledLength)
        {
            return length == 0 ? [] : new float[length];
        }

        float[]? array = null;
        lock (Gate)
        {
            if (Buckets.TryGetValue(length, out var stack) && stack.Count > 0)
            {
                array = stack.Pop();
            }
        }

        if (array is null)
        {
            return GC.AllocateUninitializedArray<float>(length) is var fresh && clear ? Clear(fresh) : fresh;
        }

        return clear ? Clear(array) : array;
    }

    /// <summary>Gives an array back to the pool; the caller must not touch it afterwards.</summary>
    public static void Return(float[] array)
    {
        if (array.Length < MinPooledLength)
        {
            return;
        }

        lock (Gate)
        {
            if (!Buckets.TryGetValue(array.Length, out var stack))
            {
                stack = new Stack<float[]>();
                Buckets[array.Length] = stack;
            }

            if (stack.Count < MaxPerBucket)
            {
                stack.Push(array);
            }
        }
    }

    /// <summary>Drops every pooled array (for tests and for releasing memory after a large job).</summary>
    public static void Trim()
    {
        lock (Gate)
        {
            Buckets.Clear();
        }
    }

    private static float[] Clear(float[] array)
    {
        Array.Clear(array);
        return array;
    }
}
