using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Deployment.Planning;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Tests.Deployment;

[TestClass]
public sealed class PlanningTests
{
    private const int K = 3;

    // Hand-built costs for a 3-exit network: every stage 1 ms per call + 0.1 ms per sample, heads free; edge parts of
    // 100, 200 and 300 bytes; 50 bytes handed on per sample, raw inputs 100 bytes.
    private static SplitCostProfile Costs() => new()
    {
        EdgeMemoryBytes = [100, 200, 300],
        HandoffBytesPerSample = [50, 50, 50],
        InputBytesPerSample = 100,
        MemoryRule = MemoryRule.Measured,
        Latency = new StageLatencyProfile
        {
            Stages = [new(1, 0.1), new(1, 0.1), new(1, 0.1)],
            Heads = [AffineLatency.Zero, AffineLatency.Zero, AffineLatency.Zero],
            BatchSize = 16,
            Threads = 1,
            Machine = "hand-built",
        },
    };

    // Class 0 is sure (and right) at every exit, class 2 from exit 2, class 1 only at the last exit.
    // With wrongAtExit1, class 2 is sure of class 0 at exit 1 (as sure as class 0 itself), so enabling exit 1 costs accuracy.
    private static ExitScoreCache Cache(bool wrongAtExit1 = false)
    {
        var rows = new List<float[][]>();
        var labels = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            rows.Add([ScriptedExits.Sure(0, K), ScriptedExits.Sure(0, K), ScriptedExits.Sure(0, K)]);
            labels.Add(0);
            rows.Add([ScriptedExits.Unsure(K), ScriptedExits.Unsure(K), ScriptedExits.Sure(1, K)]);
            labels.Add(1);
            rows.Add([wrongAtExit1 ? ScriptedExits.Sure(0, K) : ScriptedExits.Unsure(K), ScriptedExits.Sure(2, K), ScriptedExits.Sure(2, K)]);
            labels.Add(2);
        }

        return ScriptedExits.Cache(rows, labels, K);
    }

    private static SplitPlannerOptions Options(long memory, double rttMs, string mix = "uniform", double bandwidth = double.PositiveInfinity) => new()
    {
        DeviceMemoryBytes = memory,
        Link = new LinkProfile(rttMs, bandwidth),
        Mix = ClassMix.Parse(mix, K),
    };

    [TestMethod]
    public void ExpectedLatencyFollowsTheModelByHand()
    {
        // q = [0.5, 0, 0.5], batch 2, split after exit 1: reach = [1, 0.5, 0.5].
        var options = new SplitPlannerOptions { DeviceMemoryBytes = 1000, Link = new LinkProfile(100, 1000), BatchSize = 2 };
        var (edge, link, cloud, send, bytes) = SplitPlanner.ExpectedLatency([0.5, 0, 0.5], 0, Costs(), options);
        Assert.AreEqual(1 + (0.1 * 2), edge, 1e-12);                         // stage 0 always runs both samples
        Assert.AreEqual(2 * ((1 * 0.75) + (0.1 * 1)), cloud, 1e-12);         // stages 1, 2: P(any of 2 there) = 0.75, 1 sample expected
        Assert.AreEqual(0.75, send, 1e-12);
        Assert.AreEqual(2 * 0.5 * (50 + 12), bytes, 1e-12);
        Assert.AreEqual((0.75 * 100) + (1000 * 62.0 / 1000), link, 1e-12);
    }

    [TestMethod]
    public void AllPriorityInputsAndASlowLinkKeepEverythingOnTheSmallestEdgePart()
    {
        // Only E1 fits; every input is class 0, which exit 1 answers: no batch needs the cloud.
        var plan = SplitPlanner.Plan(Cache(), Costs(), Options(memory: 100, rttMs: 1000, mix: "0:1"));
        Assert.IsTrue(plan.Feasible);
        Assert.AreEqual(0, plan.Chosen.SplitExit);
        Assert.IsTrue(plan.Chosen.Thresholds[0] > 0, "exit 1 must be enabled");
        Assert.AreEqual(0, plan.Chosen.CloudShare, 1e-12);
        Assert.AreEqual(0, plan.Chosen.LinkMs, 1e-12);
        Assert.AreEqual(1 + (0.1 * 16), plan.Chosen.TotalMs, 1e-9);
        Assert.AreEqual(1.0, plan.Chosen.PredictedAccuracy, 1e-12);
        Assert.IsFalse(plan.Candidates.Single(c => c.SplitExit == 1).FitsMemory);
        StringAssert.Contains(plan.Explain(), "Chosen: E1");
        StringAssert.Contains(plan.Explain(), "Too big for the device: E2, E3.");
    }

    [TestMethod]
    public void MemoryDecidesTheSplitWhenTheLinkIsSlow()
    {
        // Uniform mix: class 1 always needs exit 3. With everything fitting, the whole network stays on the device.
        var all = SplitPlanner.Plan(Cache(), Costs(), Options(memory: 300, rttMs: 1000));
        Assert.AreEqual(2, all.Chosen.SplitExit);
        Assert.AreEqual(0, all.Chosen.LinkMs, 1e-12);

        // With only E1 fitting, E1 still beats sending raw inputs: class 0 leaves there, fewer batches and bytes go out.
        var small = SplitPlanner.Plan(Cache(), Costs(), Options(memory: 150, rttMs: 1000, bandwidth: 1000));
        Assert.AreEqual(0, small.Chosen.SplitExit);
        Assert.AreEqual(2.0 / 3, small.Chosen.CloudShare, 1e-9);
        var cloudOnly = small.Candidates.Single(c => c.SplitExit == -1);
        Assert.IsTrue(cloudOnly.FitsMemory);
        Assert.IsTrue(cloudOnly.TotalMs > small.Chosen.TotalMs);

        // Nothing fits: cloud only.
        var none = SplitPlanner.Plan(Cache(), Costs(), Options(memory: 10, rttMs: 1000));
        Assert.AreEqual(-1, none.Chosen.SplitExit);
        Assert.AreEqual(1.0, none.Chosen.BatchSendProbability, 1e-12);
    }

    [TestMethod]
    public void TheAccuracyFloorDisablesAnExitThatAnswersWrongly()
    {
        var cache = Cache(wrongAtExit1: true);
        var strict = SplitPlanner.Plan(cache, Costs(), Options(memory: 300, rttMs: 0));
        Assert.AreEqual(1.0, strict.FinalExitAccuracy, 1e-12);
        Assert.AreEqual(0f, strict.Chosen.Thresholds[0], "exit 1 cannot tell class 2 from class 0, so it must stay disabled");
        Assert.IsTrue(strict.Chosen.Thresholds[1] > 0, "exit 2 answers classes 0 and 2 correctly and saves a stage");
        Assert.AreEqual(1.0, strict.Chosen.PredictedAccuracy, 1e-12);

        var loose = SplitPlanner.Plan(cache, Costs(), new SplitPlannerOptions
        {
            DeviceMemoryBytes = 300,
            Link = new LinkProfile(0, double.PositiveInfinity),
            MaxAccuracyDrop = null,
            MinimumAccuracy = 0.6,
        });
        // Strict: 16 samples through stages 1 and 2 (2.6 ms each), a third of them through stage 3 (1 - (2/3)^16 + 1.6/3 ms).
        double third = 1 - Math.Pow(2.0 / 3, 16) + (0.1 * 16 / 3);
        Assert.AreEqual(2.6 + 2.6 + third, strict.Chosen.TotalMs, 1e-9);

        // A 60% floor allows 2/3 accuracy. Letting exit 1 answer (class 2 wrongly) still sends class 1 through stage 3:
        // 2.6 + 2 x third. Letting every sample leave at exit 2 (class 1 wrongly, its logits are flat) costs 2 x 2.6, less.
        Assert.AreEqual(2.6 + 2.6, loose.Chosen.TotalMs, 1e-9, loose.Explain());
        Assert.AreEqual(2.0 / 3, loose.Chosen.PredictedAccuracy, 1e-9);
        CollectionAssert.AreEqual(new[] { 0.0, 1.0, 0.0 }, loose.Chosen.ExitRates.ToArray());
        Assert.IsTrue(loose.Chosen.TotalMs < strict.Chosen.TotalMs);

        var impossible = SplitPlanner.Plan(cache, Costs(), new SplitPlannerOptions { DeviceMemoryBytes = 50, Link = new LinkProfile(0, 1e6), IncludeCloudOnly = false });
        Assert.IsFalse(impossible.Feasible);
        StringAssert.Contains(impossible.Explain(), "No split both fits");
    }

    [TestMethod]
    public void AFreeLinkAndAFastCloudSendEverything()
    {
        var plan = SplitPlanner.Plan(Cache(), Costs(), new SplitPlannerOptions
        {
            DeviceMemoryBytes = 300,
            Link = new LinkProfile(0, double.PositiveInfinity),
            CloudSpeedup = 10,
        });
        Assert.AreEqual(-1, plan.Chosen.SplitExit);
        Assert.AreEqual(0, plan.Chosen.EdgeComputeMs, 1e-12);
    }

    [TestMethod]
    public void ClassMixAndLinkParsingNameBadValues()
    {
        CollectionAssert.AreEqual(new[] { 0.05, 0.9, 0.05 }, ClassMix.Parse("1:0.9", 3).Shares.Select(s => Math.Round(s, 12)).ToArray());
        CollectionAssert.AreEqual(new[] { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 }, ClassMix.Uniform(10).Shares.Select(s => Math.Round(s, 12)).ToArray());
        Assert.AreEqual(0.9, ClassMix.Biased(9, 0.9, 10).Shares[9], 1e-12);
        foreach (var bad in new[] { "9", "3:0.5", "0:1.5", "0:0.7,1:0.7", "0:0.5,0:0.5", "x:0.1" })
        {
            var e = Assert.ThrowsExactly<FormatException>(() => ClassMix.Parse(bad, 3));
            StringAssert.Contains(e.Message, bad);
        }

        Assert.AreEqual(1 << 20, LinkProfile.ParseBandwidth("1MB/s"));
        Assert.AreEqual(10e6 / 8, LinkProfile.ParseBandwidth("10Mbit/s"));
        Assert.AreEqual(double.PositiveInfinity, LinkProfile.ParseBandwidth("unlimited"));
        foreach (var bad in new[] { "1MB", "fast/s", "-1Mbit/s" })
        {
            var e = Assert.ThrowsExactly<FormatException>(() => LinkProfile.ParseBandwidth(bad));
            StringAssert.Contains(e.Message, bad);
        }

        var costs = Costs();
        var noSamples = ScriptedExits.Cache([[ScriptedExits.Sure(0, K), ScriptedExits.Sure(0, K), ScriptedExits.Sure(0, K)]], [0], K);
        var err = Assert.ThrowsExactly<ArgumentException>(() => SplitPlanner.Plan(noSamples, costs, Options(100, 0)));
        StringAssert.Contains(err.Message, "no sample of it");
    }

    [TestMethod]
    public void PlanForATrainedModelMatchesARealEarlyExitRun()
    {
        var data = SyntheticData.FourClasses(800, seed: 5);
        var (train, validation) = MultiExitTrainer.SplitValidation(data, 0.25f, seed: 1);
        var sets = ExitClassSets.AllClasses(3, 4);
        var net = Architectures.Mlp(2, [16, 16, 16], classes: 4, generator: new Generator(4));
        new MultiExitTrainer(net, new MultiExitTrainerOptions { ExitClasses = sets, Epochs = 3, Seed = 2, LearningRate = 2e-2 }).Fit(train);
        var cache = ExitScoreCache.Build(net, sets, validation!.Features, [2], validation.Labels);
        var costs = SplitCostProfile.Measure(net, [2], MemoryRule.Measured, batchSize: 16);
        Assert.IsTrue(costs.EdgeMemoryBytes.Zip(costs.EdgeMemoryBytes.Skip(1)).All(p => p.First < p.Second), "deeper edge parts need more memory");

        // The validation set's own class frequencies, so the predicted exit shares are the replay's exactly.
        var counts = Enumerable.Range(0, 4).Select(c => validation.Labels.Count(y => y == c) / (double)validation.Count).ToArray();
        var plan = SplitPlanner.Plan(cache, costs, new SplitPlannerOptions
        {
            DeviceMemoryBytes = costs.EdgeMemoryBytes[1],
            Link = new LinkProfile(50, 1 << 20),
            Mix = new ClassMix(counts),
            MaxAccuracyDrop = 0.02,
        });
        Assert.IsTrue(plan.Feasible);
        Assert.IsTrue(plan.Chosen.SplitExit <= 1);
        Assert.IsTrue(plan.Chosen.PredictedAccuracy >= plan.FinalExitAccuracy - 0.02 - 1e-12);
        foreach (var c in plan.Candidates)
        {
            Assert.AreEqual(c.EdgeComputeMs + c.LinkMs + c.CloudComputeMs, c.TotalMs, 1e-12);
            Assert.AreEqual(1.0, c.ExitRates.Sum(), 1e-9);
        }

        var replay = new EarlyExitPredictor(net, sets, plan.Chosen.Thresholds, [2]).PredictBatch(validation.Features, validation.Count);
        var exits = replay.ExitCounts();
        for (int m = 0; m < 3; m++)
        {
            Assert.AreEqual((double)exits[m] / validation.Count, plan.Chosen.ExitRates[m], 1e-9, $"exit {m}");
        }

        double accuracy = replay.PredictedClasses().Zip(validation.Labels).Count(p => p.First == p.Second) / (double)validation.Count;
        Assert.AreEqual(accuracy, plan.Chosen.PredictedAccuracy, 1e-9);
    }
}
