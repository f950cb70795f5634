using System.Diagnostics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Fuzz;

/// <summary>
/// Seeded mutations of a valid file (flipped bits, overwritten runs, truncation, inserted and appended bytes, swapped
/// ranges), and the loop that feeds them to a loader: every attempt must either load or throw
/// <see cref="InvalidDataException"/> naming the file, finish in time and allocate less than 100 MB.
/// </summary>
internal static class Mutator
{
    /// <summary>The most a single load may allocate.</summary>
    public const long MaxAllocatedBytes = 100L << 20;

    /// <summary>A mutated copy of <paramref name="original"/>.</summary>
    public static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(7))
        {
            case 0: // flip a few bits
                for (int i = random.Next(1, 9); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1: // overwrite a run with random bytes
            {
                int at = random.Next(bytes.Length), length = Math.Min(random.Next(1, 64), bytes.Length - at);
                random.NextBytes(bytes.AsSpan(at, length));
                return bytes;
            }

            case 2: // truncate
                return bytes[..random.Next(bytes.Length)];
            case 3: // insert bytes
            {
                int at = random.Next(bytes.Length);
                var extra = new byte[random.Next(1, 32)];
                random.NextBytes(extra);
                return [.. bytes[..at], .. extra, .. bytes[at..]];
            }

            case 4: // append garbage
            {
                var extra = new byte[random.Next(1, 256)];
                random.NextBytes(extra);
                return [.. bytes, .. extra];
            }

            case 5: // set a 32-bit word to an extreme (sizes, counts, offsets)
            {
                int at = random.Next(Math.Max(1, bytes.Length - 4));
                uint[] extremes = [0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 0x00FFFFFF];
                BitConverter.TryWriteBytes(bytes.AsSpan(at, Math.Min(4, bytes.Length - at)), extremes[random.Next(extremes.Length)]);
                return bytes;
            }

            default: // zero a run
            {
                int at = random.Next(bytes.Length), length = Math.Min(random.Next(1, 256), bytes.Length - at);
                bytes.AsSpan(at, length).Clear();
                return bytes;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="attempts"/> attempts on one thread within <paramref name="timeLimit"/>:
    /// <paramref name="prepare"/> writes attempt i's mutated file(s) and returns the path errors must name and the load
    /// to run. Each load must succeed or throw <see cref="InvalidDataException"/> naming that path, take under 10 s and
    /// allocate under 100 MB. Returns how many loads failed (the rest loaded).
    /// </summary>
    public static int Run(int attempts, TimeSpan timeLimit, Func<int, (string Path, Action Load)> prepare)
    {
        int failed = 0;
        var worker = Task.Run(() =>
        {
            for (int i = 0; i < attempts; i++)
            {
                var (path, load) = prepare(i);
                long before = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                try
                {
                    load();
                }
                catch (InvalidDataException e)
                {
                    failed++;
                    StringAssert.Contains(e.Message, path, $"attempt {i}: the error must name the file");
                }
                catch (Exception e) when (e is not AssertFailedException)
                {
                    Assert.Fail($"attempt {i}: {e.GetType().Name} instead of InvalidDataException: {e}");
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.IsLessThan(MaxAllocatedBytes, allocated, $"attempt {i} allocated {allocated} bytes");
                Assert.IsLessThan(10_000, clock.ElapsedMilliseconds, $"attempt {i} took {clock.ElapsedMilliseconds} ms");
            }
        });
        Assert.IsTrue(worker.Wait(timeLimit), $"{attempts} attempts did not finish within {timeLimit}");
        worker.GetAwaiter().GetResult();
        return failed;
    }
}
