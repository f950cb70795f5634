using ClassyNet.MLNet.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class BufferPoolTests
{
    [TestMethod]
    public void PoolKeepsAtMostItsByteCapAcrossManyDistinctLengths()
    {
        // Early-exit compaction produces buffers of every batch size; the pool must not keep them all.
        const int baseLength = 16 << 20; // 64 MiB of floats
        int arrays = (int)(BufferPool.MaxPooledBytes / (baseLength * 4L)) + 4;
        for (int i = 0; i < arrays; i++)
        {
            BufferPool.Return(GC.AllocateUninitializedArray<float>(baseLength + i));
            Assert.IsLessThanOrEqualTo(BufferPool.MaxPooledBytes, BufferPool.PooledBytes);
        }

        // A pooled length is reused and leaves the pool's count.
        long before = BufferPool.PooledBytes;
        var reused = BufferPool.Rent(baseLength, clear: true);
        Assert.AreEqual(baseLength, reused.Length);
        Assert.IsTrue(BufferPool.PooledBytes <= before, "renting a pooled array must not grow the pool");
        Assert.AreEqual(0f, reused[^1]);
        BufferPool.Trim();
        Assert.AreEqual(0L, BufferPool.PooledBytes);
    }
}
