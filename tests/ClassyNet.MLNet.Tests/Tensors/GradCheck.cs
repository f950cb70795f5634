using ClassyNet.MLNet.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Tensors;

/// <summary>
/// Finite-difference gradient checking and small tensor helpers shared by the tensor tests.
/// </summary>
internal static class GradCheck
{
    /// <summary>
    /// Checks the analytic gradient of every input of <paramref name="f"/> against central differences.
    /// <para>
    /// The scalar probed is <c>L(x) = sum(f(x) * r)</c> where <c>r</c> is a fixed N(0, 1) tensor (seeded with
    /// <paramref name="seed"/>) of the output's shape, so every output element contributes with a different weight and
    /// a backward that mixes up elements, or drops the upstream gradient, is caught. The analytic gradient comes from
    /// <c>L.Backward()</c>; the numerical one is <c>(L(x + h e_i) - L(x - h e_i)) / (x_i+ - x_i-)</c>, where the forwards
    /// are float32 (the engine has nothing else) but <c>L</c> is accumulated in double from the float32 outputs, and the
    /// divisor is the step actually taken after rounding <c>x_i +- h</c> to float32.
    /// </para>
    /// <para>
    /// Step and tolerances: a float32 forward carries a relative rounding error of about 6e-8 per element, so
    /// <c>L</c> is only known to roughly <c>1e-7 * sum|f(x) r|</c>; divided by <c>2h</c> that error grows as <c>h</c>
    /// shrinks, while the truncation error of central differences grows as <c>h^2 * f'''</c>. With inputs of order 1
    /// and outputs of order 1-100, <c>h = 1e-2</c> (the default) keeps both below about 1e-3 of the gradient's scale, so
    /// the element-wise test <c>|analytic - numeric| &lt;= atol + rtol * max(|analytic|, |numeric|)</c> uses
    /// <c>rtol = 1e-2</c> and <c>atol = 1e-3</c>. A wrong gradient (a missing term, a transposed index, a wrong scale)
    /// is off by far more than 1 %. Non-smooth ops are only checked at inputs kept well away from their kinks (ReLU at
    /// 0, ties inside a max-pool window): the test inputs are built so that no element lies within <c>h</c> of a kink.
    /// </para>
    /// </summary>
    /// <param name="f">The function under test; it must be deterministic (re-seed any generator inside it).</param>
    /// <param name="inputs">Leaf tensors to differentiate; their <c>RequiresGrad</c> is set and their values restored.</param>
    /// <param name="h">Finite-difference step (default 1e-2).</param>
    /// <param name="rtol">Relative tolerance (default 1e-2).</param>
    /// <param name="atol">Absolute tolerance (default 1e-3).</param>
    /// <param name="seed">Seed of the random weighting tensor <c>r</c>.</param>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double h = 1e-2, double rtol = 1e-2, double atol = 1e-3, ulong seed = 1234)
    {
        foreach (var x in inputs)
        {
            x.RequiresGrad = true;
            x.Grad = null;
        }

        Tensor r;
        double[][] analytic = new double[inputs.Length][];
        using (TensorScope.Begin())
        {
            var y = f(inputs);
            Assert.IsTrue(y.RequiresGrad, "the output does not require grad: the op recorded nothing");
            r = TensorScopeFree(() => Tensor.Randn(y.Shape.ToArray(), new Generator(seed)));
            var loss = Functional.Sum(Functional.Mul(y, r));
            loss.Backward();
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            var g = inputs[i].Grad;
            Assert.IsNotNull(g, $"input {i} {inputs[i].ShapeString} received no gradient");
            CollectionAssert.AreEqual(inputs[i].Shape.ToArray(), g.Shape.ToArray(), $"gradient shape of input {i}");
            analytic[i] = g.ToArray().Select(v => (double)v).ToArray();
        }

        var rs = r.ToArray();
        using var noGrad = GradMode.NoGrad();
        for (int i = 0; i < inputs.Length; i++)
        {
            var span = inputs[i].AsSpan();
            for (int j = 0; j < span.Length; j++)
            {
                float saved = span[j];
                float plus = (float)(saved + h);
                float minus = (float)(saved - h);
                span[j] = plus;
                double lp = Evaluate(f, inputs, rs);
                span = inputs[i].AsSpan();
                span[j] = minus;
                double lm = Evaluate(f, inputs, rs);
                span = inputs[i].AsSpan();
                span[j] = saved;
                double numeric = (lp - lm) / ((double)plus - minus);
                double a = analytic[i][j];
                double tol = atol + rtol * Math.Max(Math.Abs(a), Math.Abs(numeric));
                if (!(Math.Abs(a - numeric) <= tol))
                {
                    Assert.Fail($"gradient mismatch for input {i} {inputs[i].ShapeString} at flat index {j}: analytic {a:G6}, numeric {numeric:G6} (tolerance {tol:G3})");
                }
            }
        }

        r.Dispose();
    }

    private static double Evaluate(Func<Tensor[], Tensor> f, Tensor[] inputs, float[] r)
    {
        using var scope = TensorScope.Begin();
        var y = f(inputs);
        var ys = y.AsSpan();
        Assert.AreEqual(r.Length, ys.Length);
        double sum = 0;
        for (int k = 0; k < ys.Length; k++)
        {
            sum += (double)ys[k] * r[k];
        }

        return sum;
    }

    private static T TensorScopeFree<T>(Func<T> create) => TensorScope.Untracked(create);

    /// <summary>A tensor of the given shape with N(0, 1) entries from a fixed seed.</summary>
    public static Tensor Randn(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed));

    /// <summary>A tensor of the given shape with U(low, high) entries from a fixed seed.</summary>
    public static Tensor Uniform(ulong seed, float low, float high, params int[] shape) => Tensor.Uniform(shape, low, high, new Generator(seed));

    /// <summary>
    /// Random values whose magnitudes lie in [0.1, 1.1] with random signs: at least 0.1 away from ReLU's kink at 0, which
    /// is ten finite-difference steps.
    /// </summary>
    public static Tensor AwayFromZero(ulong seed, params int[] shape)
    {
        var g = new Generator(seed);
        var t = Tensor.Empty(shape);
        var s = t.AsSpan();
        for (int i = 0; i < s.Length; i++)
        {
            float m = 0.1f + g.NextSingle();
            s[i] = g.NextSingle() < 0.5f ? -m : m;
        }

        return t;
    }

    /// <summary>
    /// A shuffled arithmetic sequence (distinct values spaced by <paramref name="spacing"/>, centred on 0): any two
    /// elements differ by at least the spacing, so a max-pool window never has a tie within a finite-difference step.
    /// </summary>
    public static Tensor DistinctValues(ulong seed, float spacing, params int[] shape)
    {
        var t = Tensor.Empty(shape);
        var s = t.AsSpan();
        var order = Enumerable.Range(0, s.Length).ToArray();
        new Generator(seed).Shuffle(order.AsSpan());
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (order[i] - s.Length / 2f) * spacing;
        }

        return t;
    }

    /// <summary>Asserts that two float sequences agree within <paramref name="tolerance"/> element-wise.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string? what = null)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = tolerance * Math.Max(1.0, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
            {
                Assert.Fail($"{what}: element {i}: expected {expected[i]:G9}, actual {actual[i]:G9} (tolerance {tol:G3})");
            }
        }
    }

    /// <summary>Asserts that two float sequences agree within <paramref name="tolerance"/> element-wise.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance, string? what = null)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = tolerance * Math.Max(1.0, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
            {
                Assert.Fail($"{what}: element {i}: expected {expected[i]:G9}, actual {actual[i]:G9} (tolerance {tol:G3})");
            }
        }
    }

    /// <summary>Asserts the shape of <paramref name="t"/>.</summary>
    public static void AssertShape(Tensor t, params int[] shape) =>
        CollectionAssert.AreEqual(shape, t.Shape.ToArray(), $"shape {t.ShapeString}, expected {string.Join(", ", shape)}");
}
