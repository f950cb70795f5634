using ClassyNet.MLNet.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class LinearConvTests
{
    private static double[] NaiveMatMul(Tensor a, Tensor b)
    {
        int m = a.Size(0), k = a.Size(1), n = b.Size(1);
        var r = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (double)a[i, p] * b[p, j];
                }

                r[i * n + j] = s;
            }
        }

        return r;
    }

    /// <summary>Direct cross-correlation in double, PyTorch semantics (zero padding).</summary>
    internal static double[] NaiveConv(Tensor x, Tensor w, Tensor? b, int sh, int sw, int ph, int pw)
    {
        int n = x.Size(0), c = x.Size(1), h = x.Size(2), wd = x.Size(3);
        int oc = w.Size(0), kh = w.Size(2), kw = w.Size(3);
        int oh = (h + 2 * ph - kh) / sh + 1, ow = (wd + 2 * pw - kw) / sw + 1;
        var y = new double[n * oc * oh * ow];
        for (int s = 0; s < n; s++)
        {
            for (int o = 0; o < oc; o++)
            {
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        double acc = b is null ? 0 : b[o];
                        for (int ch = 0; ch < c; ch++)
                        {
                            for (int u = 0; u < kh; u++)
                            {
                                for (int v = 0; v < kw; v++)
                                {
                                    int iy = i * sh - ph + u, ix = j * sw - pw + v;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd)
                                    {
                                        acc += (double)x[s, ch, iy, ix] * w[o, ch, u, v];
                                    }
                                }
                            }
                        }

                        y[((s * oc + o) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }

        return y;
    }

    [TestMethod]
    public void MatMulForwardHandComputed()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var b = Tensor.FromArray([7f, 8f, 9f, 10f, 11f, 12f], 3, 2);
        var y = F.MatMul(a, b);
        GradCheck.AssertShape(y, 2, 2);
        CollectionAssert.AreEqual(new[] { 58f, 64f, 139f, 154f }, y.ToArray());
    }

    [TestMethod]
    [DataRow(1, 1, 1)]
    [DataRow(5, 7, 3)]
    [DataRow(33, 17, 29)]
    [DataRow(64, 70, 65)]
    public void MatMulMatchesNaive(int m, int k, int n)
    {
        using var scope = TensorScope.Begin();
        var a = GradCheck.Randn(50, m, k);
        var b = GradCheck.Randn(51, k, n);
        GradCheck.AssertClose(NaiveMatMul(a, b), F.MatMul(a, b).AsSpan(), 1e-4, "MatMul");
    }

    [TestMethod]
    public void BatchedMatMulForward()
    {
        using var scope = TensorScope.Begin();
        var a = GradCheck.Randn(52, 3, 4, 5);
        var b = GradCheck.Randn(53, 3, 5, 2);
        var y = F.MatMul(a, b);
        GradCheck.AssertShape(y, 3, 4, 2);
        for (int i = 0; i < 3; i++)
        {
            var ai = F.Narrow(a, 0, i, 1).Reshape(4, 5);
            var bi = F.Narrow(b, 0, i, 1).Reshape(5, 2);
            GradCheck.AssertClose(NaiveMatMul(ai, bi), F.Narrow(y, 0, i, 1).AsSpan(), 1e-5, $"batch {i}");
        }
    }

    [TestMethod]
    public void MatMulGradCheck()
    {
        GradCheck.Check(x => F.MatMul(x[0], x[1]), [GradCheck.Randn(54, 3, 4), GradCheck.Randn(55, 4, 5)]);
        GradCheck.Check(x => F.MatMul(x[0], x[1]), [GradCheck.Randn(56, 2, 3, 4), GradCheck.Randn(57, 2, 4, 2)]);
        var constant = GradCheck.Randn(58, 4, 2);
        GradCheck.Check(x => F.MatMul(x[0], constant), [GradCheck.Randn(59, 3, 4)]);
        Assert.IsNull(constant.Grad);
    }

    [TestMethod]
    public void LinearForwardHandComputed()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var w = Tensor.FromArray([1f, 0f, 1f, 1f, -1f, 2f], 3, 2);
        var b = Tensor.FromArray([0.5f, -1f, 2f], 3);
        CollectionAssert.AreEqual(new[] { 1.5f, 2f, 5f, 3.5f, 6f, 7f }, F.Linear(x, w, b).ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 3f, 3f, 3f, 7f, 5f }, F.Linear(x, w).ToArray());
    }

    [TestMethod]
    public void LinearGradCheck()
    {
        GradCheck.Check(x => F.Linear(x[0], x[1], x[2]), [GradCheck.Randn(60, 4, 5), GradCheck.Randn(61, 3, 5), GradCheck.Randn(62, 3)]);
        GradCheck.Check(x => F.Linear(x[0], x[1]), [GradCheck.Randn(63, 4, 5), GradCheck.Randn(64, 3, 5)]);
        GradCheck.Check(x => F.Linear(x[0], x[1], x[2]), [GradCheck.Randn(65, 1, 1), GradCheck.Randn(66, 1, 1), GradCheck.Randn(67, 1)]);
    }

    [TestMethod]
    public void Conv2dKnownThreeByThree()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f], 1, 1, 3, 3);
        var k = Tensor.FromArray([1f, 2f, 3f, 4f], 1, 1, 2, 2);
        var y = F.Conv2d(x, k);
        GradCheck.AssertShape(y, 1, 1, 2, 2);
        CollectionAssert.AreEqual(new[] { 37f, 47f, 67f, 77f }, y.ToArray());

        var ones = Tensor.Ones(1, 1, 3, 3);
        var bias = Tensor.FromArray([0.5f], 1);
        var same = F.Conv2d(x, ones, bias, padding: (1, 1));
        GradCheck.AssertShape(same, 1, 1, 3, 3);
        CollectionAssert.AreEqual(new[] { 12.5f, 21.5f, 16.5f, 27.5f, 45.5f, 33.5f, 24.5f, 39.5f, 28.5f }, same.ToArray());

        var strided = F.Conv2d(x, ones, null, stride: (2, 2), padding: (1, 1));
        GradCheck.AssertShape(strided, 1, 1, 2, 2);
        CollectionAssert.AreEqual(new[] { 12f, 16f, 24f, 28f }, strided.ToArray());
    }

    public static IEnumerable<object[]> ConvConfigs =>
    [
        // n, c, h, w, oc, kh, kw, stride, padding, bias
        [2, 3, 5, 5, 4, 3, 3, 1, 0, true],
        [2, 3, 5, 5, 4, 3, 3, 1, 1, false],
        [1, 2, 6, 6, 3, 3, 3, 2, 1, true],
        [2, 2, 5, 7, 3, 3, 3, 2, 0, false],
        [2, 4, 3, 3, 5, 1, 1, 1, 0, true],
        [1, 3, 4, 6, 2, 1, 1, 2, 0, false],
        [1, 2, 5, 6, 3, 2, 3, 1, 1, true],
        [1, 1, 7, 4, 2, 3, 2, 2, 1, true],
    ];

    [TestMethod]
    [DynamicData(nameof(ConvConfigs))]
    public void Conv2dGradCheck(int n, int c, int h, int w, int oc, int kh, int kw, int stride, int padding, bool bias)
    {
        var x = GradCheck.Randn(70, n, c, h, w);
        var wt = GradCheck.Randn(71, oc, c, kh, kw);
        var inputs = bias ? new[] { x, wt, GradCheck.Randn(72, oc) } : new[] { x, wt };
        using (TensorScope.Begin())
        {
            var y = F.Conv2d(x, wt, bias ? inputs[2] : null, (stride, stride), (padding, padding));
            GradCheck.AssertClose(NaiveConv(x, wt, bias ? inputs[2] : null, stride, stride, padding, padding), y.AsSpan(), 1e-5, "forward");
        }

        GradCheck.Check(t => F.Conv2d(t[0], t[1], bias ? t[2] : null, (stride, stride), (padding, padding)), inputs);
    }

    [TestMethod]
    [DataRow(2, 16, 10, 10, 32, 3, 1, 1)]
    [DataRow(3, 16, 9, 9, 32, 3, 2, 1)]
    [DataRow(5, 16, 8, 8, 32, 1, 2, 0)]
    [DataRow(2, 1, 28, 28, 16, 3, 1, 1)]
    public void Conv2dLargerShapesMatchNaive(int n, int c, int h, int w, int oc, int k, int stride, int padding)
    {
        // Sizes large enough for the blocked/parallel kernel paths.
        using var scope = TensorScope.Begin();
        var x = GradCheck.Randn(73, n, c, h, w);
        var wt = GradCheck.Randn(74, oc, c, k, k);
        var b = GradCheck.Randn(75, oc);
        GradCheck.AssertClose(NaiveConv(x, wt, b, stride, stride, padding, padding), F.Conv2d(x, wt, b, (stride, stride), (padding, padding)).AsSpan(), 1e-4, "forward");
    }

    [TestMethod]
    public void Conv2dLargerShapeBackwardMatchesNaive()
    {
        // Backward checked against the adjoint identity <conv(x, w), g> = <x, dL/dx> = <w, dL/dw>, in double.
        using var scope = TensorScope.Begin();
        var x = GradCheck.Randn(76, 3, 16, 9, 9).RequiresGrad_();
        var wt = GradCheck.Randn(77, 32, 16, 3, 3).RequiresGrad_();
        var y = F.Conv2d(x, wt, null, (2, 2), (1, 1));
        var g = GradCheck.Randn(78, y.Shape.ToArray());
        y.Backward(g);
        var reference = NaiveConv(x, wt, null, 2, 2, 1, 1);
        double inner = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            inner += reference[i] * g.AsSpan()[i];
        }

        double viaX = 0, viaW = 0;
        for (int i = 0; i < x.Numel; i++)
        {
            viaX += (double)x.AsSpan()[i] * x.Grad!.AsSpan()[i];
        }

        for (int i = 0; i < wt.Numel; i++)
        {
            viaW += (double)wt.AsSpan()[i] * wt.Grad!.AsSpan()[i];
        }

        Assert.AreEqual(inner, viaX, 1e-3 * Math.Abs(inner) + 1e-2, "<y, g> vs <x, dx>");
        Assert.AreEqual(inner, viaW, 1e-3 * Math.Abs(inner) + 1e-2, "<y, g> vs <w, dw>");
        // Spot-check single weight gradients against the definition: dL/dw[o,c,u,v] = sum g[s,o,i,j] * x[s,c,2i-1+u,2j-1+v].
        foreach (var (o, c, u, v) in new[] { (0, 0, 0, 0), (31, 15, 2, 2), (7, 3, 1, 2) })
        {
            double expected = 0;
            for (int s = 0; s < 3; s++)
            {
                for (int i = 0; i < y.Size(2); i++)
                {
                    for (int j = 0; j < y.Size(3); j++)
                    {
                        int iy = 2 * i - 1 + u, ix = 2 * j - 1 + v;
                        if (iy >= 0 && iy < 9 && ix >= 0 && ix < 9)
                        {
                            expected += (double)g[s, o, i, j] * x[s, c, iy, ix];
                        }
                    }
                }
            }

            Assert.AreEqual(expected, wt.Grad![o, c, u, v], 1e-3 * Math.Max(1, Math.Abs(expected)), $"dw[{o},{c},{u},{v}]");
        }
    }

    [TestMethod]
    public void LinearAndConvModulesUseTheirParameters()
    {
        using var scope = TensorScope.Begin();
        var lin = new ClassyNet.MLNet.Tensors.Nn.Linear(4, 3, generator: new Generator(1));
        var x = GradCheck.Randn(79, 2, 4);
        CollectionAssert.AreEqual(F.Linear(x, lin.Weight, lin.Bias).ToArray(), lin.Forward(x).ToArray());
        var conv = new ClassyNet.MLNet.Tensors.Nn.Conv2d(2, 3, 3, stride: 2, padding: 1, generator: new Generator(2));
        var xi = GradCheck.Randn(80, 1, 2, 5, 5);
        CollectionAssert.AreEqual(F.Conv2d(xi, conv.Weight, conv.Bias, (2, 2), (1, 1)).ToArray(), conv.Forward(xi).ToArray());
    }

    [TestMethod]
    public void Conv2dDilationMatchesNaiveAndGradCheck()
    {
        using (TensorScope.Begin())
        {
            var x = GradCheck.Randn(81, 1, 2, 7, 7);
            var w = GradCheck.Randn(82, 3, 2, 3, 3);
            var y = F.Conv2d(x, w, null, (1, 1), (2, 2), (2, 2));
            GradCheck.AssertShape(y, 1, 3, 7, 7);
            // Dilated kernel == ordinary conv with a 5x5 kernel holding the taps at even offsets.
            var wide = Tensor.Zeros(3, 2, 5, 5);
            for (int o = 0; o < 3; o++)
            {
                for (int c = 0; c < 2; c++)
                {
                    for (int u = 0; u < 3; u++)
                    {
                        for (int v = 0; v < 3; v++)
                        {
                            wide[o, c, 2 * u, 2 * v] = w[o, c, u, v];
                        }
                    }
                }
            }

            GradCheck.AssertClose(NaiveConv(x, wide, null, 1, 1, 2, 2), y.AsSpan(), 1e-5, "dilated forward");
        }

        GradCheck.Check(t => F.Conv2d(t[0], t[1], null, (2, 1), (1, 2), (2, 1)), [GradCheck.Randn(83, 1, 2, 6, 5), GradCheck.Randn(84, 2, 2, 2, 3)]);
    }
}
