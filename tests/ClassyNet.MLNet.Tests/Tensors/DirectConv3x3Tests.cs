using ClassyNet.MLNet.Tensors.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class DirectConv3x3Tests
{
    /// <summary>The direct kernel gives the same bits as the im2col SGEMM (portable path) it replaces.</summary>
    [TestMethod]
    public void MatchesIm2ColSgemmBitwise()
    {
        if (!DirectConv3x3.Supports(new ConvGeometry(16, 28, 28, 3, 3, 1, 1, 1, 1), 16))
        {
            Assert.Inconclusive("AVX-512 is not available: the direct 3x3 kernel is not used on this processor.");
        }

        var random = new Random(11);
        foreach (var (c, h, w, oc) in new[] { (1, 28, 28, 16), (16, 28, 28, 16), (3, 14, 14, 8), (5, 9, 16, 24), (2, 5, 17, 8), (7, 12, 12, 16), (4, 3, 32, 8) })
        {
            var g = new ConvGeometry(c, h, w, 3, 3, 1, 1, 1, 1);
            Assert.IsTrue(DirectConv3x3.Supports(g, oc), $"{g}");
            int inPlane = c * h * w, outPlane = oc * h * w, rows = g.ColumnRows, cols = g.ColumnCols;
            var x = Fill(random, 3 + inPlane);
            var weights = Fill(random, oc * rows);
            var table = new int[ConvColumnPanels.TableLength(g)];
            ConvColumnPanels.BuildTable(g, table);
            foreach (bool accumulate in new[] { false, true })
            {
                var initial = Fill(random, 2 + outPlane + 5);
                var expected = (float[])initial.Clone();
                Gemm.Sgemm(false, oc, cols, rows, weights, 0, rows, new ConvColumnPanels(x, 3, g, table, transposed: false), expected, 2, cols, accumulate, GemmPath.Portable, 1);
                var actual = (float[])initial.Clone();
                DirectConv3x3.Forward(g, x, 3, weights, oc, actual, 2, accumulate, new float[DirectConv3x3.ScratchLength(g)]);
                for (int i = 0; i < actual.Length; i++)
                {
                    if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                    {
                        Assert.Fail($"{g} oc={oc} accumulate={accumulate}: element {i} is {actual[i]:R}, SGEMM gives {expected[i]:R}");
                    }
                }
            }
        }
    }

    [TestMethod]
    public void DeclinesWhatItDoesNotHandle()
    {
        Assert.IsFalse(DirectConv3x3.Supports(new ConvGeometry(16, 28, 28, 3, 3, 2, 2, 1, 1), 16), "stride 2");
        Assert.IsFalse(DirectConv3x3.Supports(new ConvGeometry(16, 7, 7, 3, 3, 1, 1, 1, 1), 16), "7 columns");
        Assert.IsFalse(DirectConv3x3.Supports(new ConvGeometry(16, 28, 28, 3, 3, 1, 1, 1, 1), 12), "12 output channels");
        Assert.IsFalse(DirectConv3x3.Supports(new ConvGeometry(16, 28, 28, 1, 1, 1, 1, 0, 0), 16), "1x1");
    }

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
