using ClassyNet.MLNet.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Tests.Parity;

/// <summary>
/// libtorch's Adam as the trainer configures it (torch.optim.Adam through TorchSharp) against torch.optim.Adam (1.13)
/// replayed on the same fixed gradients (Fixtures/make_optimizer_fixtures.py), so the update rule and its options are
/// compared without any forward/backward noise. Tolerance: 1e-6 relative to the parameter's magnitude plus 1e-7
/// absolute (float32 rounding of a few multiply-adds per step).
/// </summary>
[TestClass]
public sealed class OptimizerParityTests
{
    [TestMethod]
    [DataRow("adam")]
    [DataRow("adam_wd")]
    public void MatchesTorchOptimOnFixedGradients(string config)
    {
        Dictionary<string, Tensor> file;
        using (var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Fixtures", "optimizer_expected.safetensors")))
        {
            file = StateDicts.Read(stream, "optimizer_expected.safetensors");
        }

        var p = new TorchSharp.Modules.Parameter(file[$"{config}.p0"].clone());
        var optimizer = config == "adam"
            ? optim.Adam([p], lr: 1e-3)
            : optim.Adam([p], lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.1);
        for (int step = 1; step <= 3; step++)
        {
            p.grad = file[$"{config}.g{step}"].clone();
            optimizer.step();
            var expected = file[$"{config}.p{step}"].data<float>().ToArray();
            var actual = p.detach().data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                double tolerance = (1e-6 * Math.Abs(expected[i])) + 1e-7;
                Assert.IsTrue(Math.Abs(actual[i] - expected[i]) <= tolerance, $"{config} step {step} element {i}: ours {actual[i]:R}, torch {expected[i]:R}");
            }
        }
    }
}
