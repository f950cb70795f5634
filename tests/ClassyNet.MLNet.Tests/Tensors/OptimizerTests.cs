using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Optim;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class OptimizerTests
{
    private static readonly float[] Initial = [0.5f, -1.5f, 2f, 0f];

    private static readonly float[][] Grads =
    [
        [0.1f, -0.2f, 0.3f, 0f],
        [-0.4f, 0.5f, 0.05f, 1f],
        [0.2f, 0.2f, -0.6f, -0.3f],
        [1e-3f, -2f, 0.7f, 0.01f],
    ];

    private static Tensor Param() => TensorScope.Untracked(() => Tensor.FromArray(Initial, 2, 2).RequiresGrad_());

    private static void SetGrad(Tensor p, float[] g) => p.Grad = TensorScope.Untracked(() => Tensor.FromArray(g, 2, 2));

    /// <summary>PyTorch 1.13 Adam (amsgrad off, maximize off) in double.</summary>
    private static double[] ReferenceAdam(int steps, double lr, double b1, double b2, double eps, double wd)
    {
        var p = Initial.Select(v => (double)v).ToArray();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = Grads[t - 1][i] + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double denom = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps;
                p[i] -= lr / (1 - Math.Pow(b1, t)) * m[i] / denom;
            }
        }

        return p;
    }

    /// <summary>PyTorch SGD in double.</summary>
    private static double[] ReferenceSgd(int steps, double lr, double momentum, double dampening, double wd, bool nesterov)
    {
        var p = Initial.Select(v => (double)v).ToArray();
        var buf = new double[p.Length];
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double d = Grads[t - 1][i] + wd * p[i];
                if (momentum != 0)
                {
                    buf[i] = t == 1 ? d : momentum * buf[i] + (1 - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }

                p[i] -= lr * d;
            }
        }

        return p;
    }

    [TestMethod]
    [DataRow(0.1, 0.9, 0.999, 1e-8, 0.0)]
    [DataRow(0.01, 0.8, 0.99, 1e-3, 0.1)]
    [DataRow(0.05, 0.0, 0.5, 1e-8, 0.5)]
    public void AdamMatchesPyTorchUpdateRule(double lr, double b1, double b2, double eps, double wd)
    {
        var p = Param();
        var opt = new Adam([p], lr, b1, b2, eps, wd);
        for (int t = 1; t <= Grads.Length; t++)
        {
            SetGrad(p, Grads[t - 1]);
            opt.Step();
            Assert.AreEqual(t, opt.StepCount);
            GradCheck.AssertClose(ReferenceAdam(t, lr, b1, b2, eps, wd), p.AsSpan(), 2e-6, $"after step {t}");
        }
    }

    [TestMethod]
    public void AdamBiasCorrectionCountsStepsPerParameter()
    {
        // PyTorch keeps 'step' per parameter and skips parameters without a gradient, so a parameter whose first
        // gradient arrives at the optimiser's third step still gets the t = 1 update (a move of lr * sign(g)).
        var p = Param();
        var late = Param();
        var opt = new Adam([p, late], lr: 0.1);
        for (int t = 0; t < 2; t++)
        {
            SetGrad(p, Grads[t]);
            opt.Step();
        }

        CollectionAssert.AreEqual(Initial, late.ToArray());
        SetGrad(p, Grads[2]);
        SetGrad(late, Grads[0]);
        opt.Step();
        GradCheck.AssertClose(ReferenceAdam(1, 0.1, 0.9, 0.999, 1e-8, 0), late.AsSpan(), 2e-6, "late parameter after its first update");
        GradCheck.AssertClose(ReferenceAdam(3, 0.1, 0.9, 0.999, 1e-8, 0), p.AsSpan(), 2e-6, "early parameter after three updates");
    }

    [TestMethod]
    public void AdamFirstStepMovesEachCoordinateByLearningRate()
    {
        // With m_1 = (1-b1) g and v_1 = (1-b2) g^2, the bias-corrected step is lr * sign(g) (up to eps).
        var p = Param();
        var opt = new Adam([p], lr: 0.01);
        SetGrad(p, [3f, -0.001f, 50f, 0f]);
        opt.Step();
        GradCheck.AssertClose(new[] { 0.49, -1.49, 1.99, 0 }, p.AsSpan(), 1e-5, "first Adam step");
    }

    [TestMethod]
    [DataRow(0.1, 0.0, 0.0, 0.0, false)]
    [DataRow(0.1, 0.0, 0.0, 0.2, false)]
    [DataRow(0.1, 0.9, 0.0, 0.0, false)]
    [DataRow(0.05, 0.9, 0.3, 0.0, false)]
    [DataRow(0.1, 0.8, 0.0, 0.0, true)]
    [DataRow(0.1, 0.5, 0.0, 0.1, true)]
    [DataRow(0.2, 0.7, 0.5, 0.05, false)]
    public void SgdMatchesPyTorchUpdateRule(double lr, double momentum, double dampening, double wd, bool nesterov)
    {
        var p = Param();
        var opt = new Sgd([p], lr, momentum, dampening, wd, nesterov);
        for (int t = 1; t <= Grads.Length; t++)
        {
            SetGrad(p, Grads[t - 1]);
            opt.Step();
            GradCheck.AssertClose(ReferenceSgd(t, lr, momentum, dampening, wd, nesterov), p.AsSpan(), 1e-6, $"after step {t}");
        }
    }

    [TestMethod]
    public void SgdHandComputedMomentum()
    {
        var p = TensorScope.Untracked(() => Tensor.FromArray([1f], 1).RequiresGrad_());
        var opt = new Sgd([p], lr: 0.5, momentum: 0.9, dampening: 0.5);
        p.Grad = TensorScope.Untracked(() => Tensor.FromArray([2f], 1));
        opt.Step(); // buf = 2 (no dampening on the first step), p = 1 - 1 = 0
        Assert.AreEqual(0f, p.Item(), 1e-7f);
        opt.Step(); // buf = 0.9 * 2 + 0.5 * 2 = 2.8, p = -1.4
        Assert.AreEqual(-1.4f, p.Item(), 1e-6f);
    }

    [TestMethod]
    public void ParametersWithoutGradientAreLeftAlone()
    {
        var p = Param();
        var q = Param();
        var opt = new Adam([p, q], lr: 0.1);
        SetGrad(p, Grads[0]);
        opt.Step();
        CollectionAssert.AreEqual(Initial, q.ToArray());
        CollectionAssert.AreNotEqual(Initial, p.ToArray());
        var sgd = new Sgd([q], lr: 0.1, momentum: 0.9);
        sgd.Step();
        CollectionAssert.AreEqual(Initial, q.ToArray());
    }

    [TestMethod]
    public void ZeroGradZeroesGradients()
    {
        var p = Param();
        var opt = new Sgd([p], lr: 0.1);
        SetGrad(p, Grads[1]);
        opt.ZeroGrad();
        CollectionAssert.AreEqual(new float[4], p.Grad!.ToArray());
    }

    [TestMethod]
    public void InvalidHyperParametersThrowNamingTheArgument()
    {
        var p = Param();
        void Expect(string argument, Action create)
        {
            var e = Assert.Throws<ArgumentException>(create);
            Assert.AreEqual(argument, e.ParamName, e.Message);
        }

        Expect("lr", () => _ = new Adam([p], lr: -1));
        Expect("lr", () => _ = new Adam([p], lr: double.NaN));
        Expect("lr", () => _ = new Sgd([p], lr: double.PositiveInfinity));
        Expect("beta1", () => _ = new Adam([p], beta1: 1));
        Expect("beta1", () => _ = new Adam([p], beta1: -0.1));
        Expect("beta2", () => _ = new Adam([p], beta2: 1.5));
        Expect("beta2", () => _ = new Adam([p], beta2: double.NaN));
        Expect("eps", () => _ = new Adam([p], eps: -1e-8));
        Expect("weightDecay", () => _ = new Adam([p], weightDecay: -0.1));
        Expect("momentum", () => _ = new Sgd([p], 0.1, momentum: -0.9));
        Expect("dampening", () => _ = new Sgd([p], 0.1, momentum: 0.9, dampening: double.NaN));
        Expect("weightDecay", () => _ = new Sgd([p], 0.1, weightDecay: -1));
        Expect("nesterov", () => _ = new Sgd([p], 0.1, momentum: 0, nesterov: true));
        Expect("nesterov", () => _ = new Sgd([p], 0.1, momentum: 0.9, dampening: 0.1, nesterov: true));
        Expect("parameters", () => _ = new Sgd([], 0.1));
        var opt = new Sgd([p], 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = -0.5);
        Assert.AreEqual(0.1, opt.LearningRate);
    }

    [TestMethod]
    public void AdamStateDictRoundTripContinuesIdentically()
    {
        var a = Param();
        var optA = new Adam([a], lr: 0.05, weightDecay: 0.01);
        for (int t = 0; t < 2; t++)
        {
            SetGrad(a, Grads[t]);
            optA.Step();
        }

        var state = optA.StateDict();
        CollectionAssert.AreEquivalent(new[] { "step", "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq" }, state.Keys.ToList());
        Assert.AreEqual(2f, state["state.0.step"].Item());
        Assert.AreEqual(2f, state["step"].Item());
        var b = TensorScope.Untracked(() => Tensor.FromArray(a.AsSpan(), 2, 2).RequiresGrad_());
        var optB = new Adam([b], lr: 0.05, weightDecay: 0.01);
        optB.LoadStateDict(state);
        Assert.AreEqual(2, optB.StepCount);
        for (int t = 2; t < 4; t++)
        {
            SetGrad(a, Grads[t]);
            SetGrad(b, Grads[t]);
            optA.Step();
            optB.Step();
            CollectionAssert.AreEqual(a.ToArray(), b.ToArray(), $"step {t + 1}");
        }

        // The saved state is a copy: stepping did not change it.
        Assert.AreEqual(2f, state["step"].Item());
    }

    [TestMethod]
    public void SgdStateDictRoundTripContinuesIdentically()
    {
        var a = Param();
        var optA = new Sgd([a], lr: 0.1, momentum: 0.9, nesterov: true);
        SetGrad(a, Grads[0]);
        optA.Step();
        var state = optA.StateDict();
        var b = TensorScope.Untracked(() => Tensor.FromArray(a.AsSpan(), 2, 2).RequiresGrad_());
        var optB = new Sgd([b], lr: 0.1, momentum: 0.9, nesterov: true);
        optB.LoadStateDict(state);
        for (int t = 1; t < 4; t++)
        {
            SetGrad(a, Grads[t]);
            SetGrad(b, Grads[t]);
            optA.Step();
            optB.Step();
            CollectionAssert.AreEqual(a.ToArray(), b.ToArray(), $"step {t + 1}");
        }
    }

    [TestMethod]
    public void LoadStateDictRejectsBadEntries()
    {
        var p = Param();
        var opt = new Adam([p]);
        Assert.Throws<ArgumentException>(() => opt.LoadStateDict(new Dictionary<string, Tensor>()));
        Assert.Throws<ArgumentException>(() => opt.LoadStateDict(new Dictionary<string, Tensor> { ["step"] = Tensor.Scalar(1), ["state.1.exp_avg"] = Tensor.Zeros(2, 2) }));
        Assert.Throws<ArgumentException>(() => opt.LoadStateDict(new Dictionary<string, Tensor> { ["step"] = Tensor.Scalar(1), ["state.0.exp_avg"] = Tensor.Zeros(3, 2) }));
        Assert.Throws<ArgumentException>(() => opt.LoadStateDict(new Dictionary<string, Tensor> { ["step"] = Tensor.Scalar(-1) }));
        Assert.AreEqual(0, opt.StepCount, "a rejected state dict changes nothing");
    }
}
