using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Optim;
using ClassyNet.MLNet.Tensors.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Parity;

/// <summary>
/// Our Adam and SGD against torch.optim (1.13) replayed on the same fixed gradients (Fixtures/make_optimizer_fixtures.py),
/// so the update rules are compared without any forward/backward noise. Tolerance: 1e-6 relative to the parameter's
/// magnitude plus 1e-7 absolute (float32 rounding of a few multiply-adds per step).
/// </summary>
[TestClass]
public sealed class OptimizerParityTests
{
    [TestMethod]
    [DataRow("adam")]
    [DataRow("adam_wd")]
    [DataRow("sgd_momentum")]
    [DataRow("sgd_nesterov")]
    public void MatchesTorchOptimOnFixedGradients(string config)
    {
        var file = SafeTensors.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "optimizer_expected.safetensors")).Tensors;
        var p = Copy(file[$"{config}.p0"]);
        p.RequiresGrad = true;
        Optimizer optimizer = config switch
        {
            "adam" => new Adam([p], lr: 1e-3),
            "adam_wd" => new Adam([p], lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1),
            "sgd_momentum" => new Sgd([p], lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
            _ => new Sgd([p], lr: 0.05, momentum: 0.9, nesterov: true),
        };

        for (int step = 1; step <= 3; step++)
        {
            p.Grad = Copy(file[$"{config}.g{step}"]);
            optimizer.Step();
            var expected = file[$"{config}.p{step}"].ToArray();
            var actual = p.ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                double tolerance = (1e-6 * Math.Abs(expected[i])) + 1e-7;
                Assert.IsTrue(Math.Abs(actual[i] - expected[i]) <= tolerance, $"{config} step {step} element {i}: ours {actual[i]:R}, torch {expected[i]:R}");
            }
        }
    }

    private static Tensor Copy(Tensor t) => Tensor.FromArray(t.AsSpan(), t.Shape.ToArray());
}
