using ClassyNet.MLNet.Tensors.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed unsafe class ConvColumnPanelsTests
{
    /// <summary>Gathering im2col panels from the image gives exactly the panels packed from an explicit im2col matrix.</summary>
    [TestMethod]
    public void GatheredPanelsEqualPanelsPackedFromIm2Col()
    {
        var geometries = new[]
        {
            new ConvGeometry(3, 28, 28, 3, 3, 1, 1, 1, 1),
            new ConvGeometry(16, 14, 14, 3, 3, 2, 2, 1, 1),
            new ConvGeometry(5, 9, 11, 1, 1, 2, 2, 0, 0),
            new ConvGeometry(2, 7, 6, 3, 2, 1, 2, 2, 0, 2, 1),
            new ConvGeometry(9, 5, 5, 5, 5, 1, 1, 2, 2),
        };
        var random = new Random(3);
        foreach (var g in geometries)
        {
            int rows = g.ColumnRows, cols = g.ColumnCols, plane = g.Channels * g.Height * g.Width;
            const int Offset = 4;
            var image = new float[Offset + plane];
            for (int i = 0; i < image.Length; i++)
            {
                image[i] = (float)random.NextDouble() - 0.5f;
            }

            var col = new float[rows * cols];
            Im2Col.Unfold(g, image.AsSpan(Offset, plane), col);
            var table = new int[ConvColumnPanels.TableLength(g)];
            ConvColumnPanels.BuildTable(g, table);
            foreach (bool transposed in new[] { false, true })
            {
                int k = transposed ? cols : rows, n = transposed ? rows : cols;
                var gathered = new ConvColumnPanels(image, Offset, g, table, transposed);
                var dense = new DenseMatrixPanels(col, 0, cols, transposed);
                foreach (int nr in new[] { 8, 16, 32 })
                {
                    foreach (var (p0, j0, kc, nc) in new[] { (0, 0, k, n), (1, 3, Math.Max(0, k - 1), Math.Max(0, n - 3)), (k / 2, n / 3, k - k / 2, n - n / 3) })
                    {
                        int length = (nc + nr - 1) / nr * nr * kc;
                        var expected = new float[length + 1];
                        var actual = new float[length + 1];
                        actual.AsSpan().Fill(float.NaN);
                        fixed (float* e = expected, a = actual)
                        {
                            dense.Pack(p0, j0, kc, nc, nr, e);
                            gathered.Pack(p0, j0, kc, nc, nr, a);
                        }

                        expected[length] = float.NaN;
                        CollectionAssert.AreEqual(expected, actual, $"{g} transposed={transposed} nr={nr} block ({p0}, {j0}, {kc}, {nc})");
                    }
                }
            }
        }
    }
}
