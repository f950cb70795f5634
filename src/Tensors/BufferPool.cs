using System.Numerics;

namespace ClassyNet.MLNet.Tensors;

/// <summary>
/// Pool of float buffers bucketed by exact length. Training repeats the same shapes every step, so exact-size
/// buckets give near-perfect reuse and keep a steady-state step from allocating activation-sized arrays.
/// Early-exit inference compacts batches to every possible size, so the number of distinct lengths is unbounded:
/// the pool therefore holds at most <see cref="MaxPooledBytes"/> in all and lets the GC have anything beyond it
/// (without the cap, evaluating 10,000 images with early exit kept over 20 GB of buffers alive).
/// </summary>
internal static class BufferPool
{
    private const int MaxPerBucket = 64;
    private const int MinPooledLength = 256;

    /// <summary>Most bytes the pool keeps for reuse across all buckets (1 GiB).</summary>
    internal const long MaxPooledBytes = 1L << 30;
    private static readonly Dictionary<int, Stack<float[]>> Buckets = new();
    private static readonly Lock Gate = new();
    private static long pooledBytes;

    /// <summary>Bytes currently held by the pool (for tests).</summary>
    internal static long PooledBytes
    {
        get
        {
            lock (Gate)
            {
                return pooledBytes;
            }
        }
    }

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
                pooledBytes -= (long)array.Length * sizeof(float);
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

        long bytes = (long)array.Length * sizeof(float);
        lock (Gate)
        {
            if (pooledBytes + bytes > MaxPooledBytes)
            {
                return;
            }

            if (!Buckets.TryGetValue(array.Length, out var stack))
            {
                stack = new Stack<float[]>();
                Buckets[array.Length] = stack;
            }

            if (stack.Count < MaxPerBucket)
            {
                stack.Push(array);
                pooledBytes += bytes;
            }
        }
    }

    /// <summary>Drops every pooled array (for tests and for releasing memory after a large job).</summary>
    public static void Trim()
    {
        lock (Gate)
        {
            Buckets.Clear();
            pooledBytes = 0;
        }
    }

    private static float[] Clear(float[] array)
    {
        Array.Clear(array);
        return array;
    }
}
