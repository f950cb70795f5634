using ClassyNet.MLNet.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class ElementwiseTests
{
    public static IEnumerable<object[]> BroadcastShapes =>
    [
        [new[] { 2, 3 }, new[] { 2, 3 }],
        [new[] { 2, 3, 4, 5 }, new[] { 1, 3, 1, 1 }],
        [new[] { 1, 3, 1, 1 }, new[] { 2, 3, 4, 5 }],
        [new[] { 4, 6 }, new[] { 6 }],
        [new[] { 6 }, new[] { 4, 6 }],
        [new[] { 3, 4 }, System.Array.Empty<int>()],
        [System.Array.Empty<int>(), new[] { 3, 4 }],
        [new[] { 3, 1 }, new[] { 1, 4 }],
        [new[] { 2, 1, 4 }, new[] { 3, 1 }],
    ];

    private static Func<Tensor[], Tensor> Op(string name) => name switch
    {
        "Add" => x => F.Add(x[0], x[1]),
        "Sub" => x => F.Sub(x[0], x[1]),
        "Mul" => x => F.Mul(x[0], x[1]),
        _ => x => F.Div(x[0], x[1]),
    };

    private static double Reference(string name, double a, double b) => name switch
    {
        "Add" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        _ => a / b,
    };

    [TestMethod]
    [DynamicData(nameof(BroadcastShapes))]
    public void BinaryOpsForwardMatchesNaiveBroadcast(int[] shapeA, int[] shapeB)
    {
        using var scope = TensorScope.Begin();
        var a = GradCheck.Randn(1, shapeA);
        var b = GradCheck.AwayFromZero(2, shapeB);
        int rank = Math.Max(shapeA.Length, shapeB.Length);
        var outShape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - shapeA.Length) >= 0 ? shapeA[i - (rank - shapeA.Length)] : 1;
            int db = i - (rank - shapeB.Length) >= 0 ? shapeB[i - (rank - shapeB.Length)] : 1;
            outShape[i] = Math.Max(da, db);
        }

        foreach (var name in new[] { "Add", "Sub", "Mul", "Div" })
        {
            var y = Op(name)([a, b]);
            GradCheck.AssertShape(y, outShape);
            var index = new int[rank];
            var ys = y.ToArray();
            for (int flat = 0; flat < ys.Length; flat++)
            {
                int rem = flat;
                for (int d = rank - 1; d >= 0; d--)
                {
                    index[d] = rem % outShape[d];
                    rem /= outShape[d];
                }

                float va = a[Project(index, shapeA)];
                float vb = b[Project(index, shapeB)];
                Assert.AreEqual(Reference(name, va, vb), ys[flat], 1e-5 * Math.Max(1, Math.Abs(Reference(name, va, vb))), $"{name} element {flat}");
            }
        }
    }

    private static int[] Project(int[] index, int[] shape)
    {
        var result = new int[shape.Length];
        int lead = index.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            result[i] = shape[i] == 1 ? 0 : index[lead + i];
        }

        return result;
    }

    [TestMethod]
    [DynamicData(nameof(BroadcastShapes))]
    public void BinaryOpsGradCheck(int[] shapeA, int[] shapeB)
    {
        foreach (var name in new[] { "Add", "Sub", "Mul", "Div" })
        {
            var a = GradCheck.Randn(3, shapeA);
            var b = name == "Div" ? GradCheck.Uniform(4, 0.5f, 2f, shapeB) : GradCheck.Randn(4, shapeB);
            GradCheck.Check(Op(name), [a, b]);
        }
    }

    [TestMethod]
    public void BinaryOpGradientWhenOnlyOneSideRequiresGrad()
    {
        var a = GradCheck.Randn(5, 2, 3);
        var b = GradCheck.Uniform(6, 0.5f, 2f, 3);
        GradCheck.Check(x => F.Div(x[0], b), [a]);
        var c = GradCheck.Randn(7, 2, 3);
        GradCheck.Check(x => F.Sub(c, x[0]), [b]);
        GradCheck.Check(x => F.Mul(c, x[0]), [b]);
        Assert.IsNull(c.Grad);
    }

    [TestMethod]
    public void OperatorsForwardHandComputed()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var b = Tensor.FromArray([10f, 20f], 2);
        CollectionAssert.AreEqual(new[] { 11f, 22f, 13f, 24f }, (a + b).ToArray());
        CollectionAssert.AreEqual(new[] { -9f, -18f, -7f, -16f }, (a - b).ToArray());
        CollectionAssert.AreEqual(new[] { 10f, 40f, 30f, 80f }, (a * b).ToArray());
        CollectionAssert.AreEqual(new[] { 0.1f, 0.1f, 0.3f, 0.2f }, (a / b).ToArray());
        CollectionAssert.AreEqual(new[] { 3.5f, 4.5f, 5.5f, 6.5f }, (a + 2.5f).ToArray());
        CollectionAssert.AreEqual(new[] { -1f, 0f, 1f, 2f }, (a - 2f).ToArray());
        CollectionAssert.AreEqual(new[] { 3f, 6f, 9f, 12f }, (a * 3f).ToArray());
        CollectionAssert.AreEqual(new[] { 3f, 6f, 9f, 12f }, (3f * a).ToArray());
        CollectionAssert.AreEqual(new[] { 0.5f, 1f, 1.5f, 2f }, (a / 2f).ToArray());
        CollectionAssert.AreEqual(new[] { -1f, -2f, -3f, -4f }, (-a).ToArray());
        var s = Tensor.Scalar(2f);
        CollectionAssert.AreEqual(new[] { 2f, 1f, 2f / 3f, 0.5f }, (s / a).ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 0f, -1f, -2f }, (s - a).ToArray());
    }

    [TestMethod]
    public void ScalarOpsGradCheck()
    {
        GradCheck.Check(x => F.AddScalar(x[0], 1.5f), [GradCheck.Randn(8, 3, 4)]);
        GradCheck.Check(x => F.MulScalar(x[0], -2.5f), [GradCheck.Randn(9, 3, 4)]);
        GradCheck.Check(x => x[0] / 4f - 1f, [GradCheck.Randn(10, 5)]);
        GradCheck.Check(x => -x[0], [GradCheck.Randn(11, 5)]);
    }

    [TestMethod]
    public void UnaryForwardValues()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([0f, 1f, 4f, 0.25f], 4);
        GradCheck.AssertClose(new[] { 1.0, Math.E, Math.Exp(4), Math.Exp(0.25) }, F.Exp(x).AsSpan(), 1e-6, "Exp");
        GradCheck.AssertClose(new[] { 0, 1, 2, 0.5 }, F.Sqrt(x).AsSpan(), 1e-6, "Sqrt");
        var p = Tensor.FromArray([1f, (float)Math.E, 0.5f], 3);
        GradCheck.AssertClose(new[] { 0, 1, Math.Log(0.5) }, F.Log(p).AsSpan(), 1e-6, "Log");
    }

    [TestMethod]
    public void UnaryGradCheck()
    {
        GradCheck.Check(x => F.Exp(x[0]), [GradCheck.Uniform(12, -2f, 2f, 3, 5)]);
        GradCheck.Check(x => F.Log(x[0]), [GradCheck.Uniform(13, 0.5f, 3f, 3, 5)]);
        GradCheck.Check(x => F.Sqrt(x[0]), [GradCheck.Uniform(14, 0.5f, 3f, 3, 5)]);
        GradCheck.Check(x => F.Clone(x[0]), [GradCheck.Randn(15, 7)]);
    }

    [TestMethod]
    public void LargeBroadcastMatchesSmallPath()
    {
        // Bigger than the pool threshold and not a multiple of the vector width: exercises the pooled, vectorised path.
        using var scope = TensorScope.Begin();
        var a = GradCheck.Randn(16, 3, 5, 7, 9);
        var b = GradCheck.Randn(17, 1, 5, 1, 9);
        var y = F.Mul(a, b);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                for (int k = 0; k < 7; k++)
                {
                    for (int l = 0; l < 9; l++)
                    {
                        Assert.AreEqual(a[i, j, k, l] * b[0, j, 0, l], y[i, j, k, l]);
                    }
                }
            }
        }
    }
}
