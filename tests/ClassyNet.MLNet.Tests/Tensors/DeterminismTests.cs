using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Optim;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class DeterminismTests
{
    /// <summary>Builds R20-3E from <paramref name="seed"/>, trains two Adam steps on a fixed batch, returns the state dict values.</summary>
    private static Dictionary<string, float[]> TrainTwoSteps(ulong seed)
    {
        var net = Architectures.ResNet(20, [7, 13, 20], generator: new Generator(seed));
        var opt = new Adam(net.Parameters(), lr: 1e-3);
        var data = new Generator(99);
        var x = TensorScope.Untracked(() => Tensor.Randn([4, 1, 8, 8], data));
        int[] y = [3, 7, 0, 7];
        for (int step = 0; step < 2; step++)
        {
            using var scope = TensorScope.Begin();
            opt.ZeroGrad();
            var logits = net.Forward(x);
            var loss = F.CrossEntropy(logits[0], y);
            for (int e = 1; e < logits.Count; e++)
            {
                loss = F.Add(loss, F.CrossEntropy(logits[e], y));
            }

            loss.Backward();
            opt.Step();
        }

        return net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    [TestMethod]
    public void SameSeedGivesBitwiseIdenticalParametersAfterTraining()
    {
        var a = TrainTwoSteps(42);
        var b = TrainTwoSteps(42);
        var c = TrainTwoSteps(43);
        CollectionAssert.AreEqual(a.Keys.ToList(), b.Keys.ToList());
        foreach (var (key, values) in a)
        {
            var other = b[key];
            Assert.AreEqual(values.Length, other.Length, key);
            for (int i = 0; i < values.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(values[i]) != BitConverter.SingleToInt32Bits(other[i]))
                {
                    Assert.Fail($"{key}[{i}]: {values[i]:R} vs {other[i]:R}");
                }
            }
        }

        Assert.IsTrue(a.Keys.Count(k => !a[k].SequenceEqual(c[k])) > a.Count / 2, "a different seed gives different parameters");
        Assert.AreEqual(2f, a["stem.1.num_batches_tracked"][0]);
    }

    [TestMethod]
    public void TrainingChangesEveryParameterTensor()
    {
        var before = Architectures.ResNet(20, [7, 13, 20], generator: new Generator(42)).StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var after = TrainTwoSteps(42);
        foreach (var key in before.Keys.Where(k => k.EndsWith("weight", StringComparison.Ordinal) || k.EndsWith("bias", StringComparison.Ordinal)))
        {
            CollectionAssert.AreNotEqual(before[key], after[key], $"{key} did not move: no gradient reached it");
        }
    }

    [TestMethod]
    public void GeneratorStreamIsFixed()
    {
        var a = new Generator(123);
        var b = new Generator(123);
        for (int i = 0; i < 100; i++)
        {
            Assert.AreEqual(a.NextUInt64(), b.NextUInt64());
        }

        a.ManualSeed(5);
        b.ManualSeed(5);
        Assert.AreEqual(a.NextGaussian(), b.NextGaussian());
        Assert.AreEqual(a.NextGaussian(), b.NextGaussian());
        Assert.AreNotEqual(new Generator(1).NextUInt64(), new Generator(2).NextUInt64());
        var g = new Generator(7);
        for (int i = 0; i < 1000; i++)
        {
            float f = g.NextSingle();
            Assert.IsTrue(f >= 0f && f < 1f);
            int k = g.NextInt(3);
            Assert.IsTrue(k >= 0 && k < 3);
        }
    }
}
