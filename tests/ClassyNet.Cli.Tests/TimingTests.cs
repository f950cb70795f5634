using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>
/// The report's timing on a fake clock: interleaved rounds with a rotated order after untimed warm-up, min/median/max
/// per model, and time speedups flagged when they disagree with the MAC speedup beyond the spread.
/// </summary>
[TestClass]
public sealed class TimingTests
{
    [TestMethod]
    public void ModelsRunInRotatedRoundsAfterAnUntimedWarmUp()
    {
        var clock = new FakeClock();
        var calls = new List<int>();
        var seen = new HashSet<int>();
        double[] cost = [10, 20, 40];
        var runs = Enumerable.Range(0, 3).Select(i => (Action)(() =>
        {
            calls.Add(i);
            clock.Advance(cost[i] + (seen.Add(i) ? 500 : 0)); // the first call of each model is slow (JIT, caches)
        })).ToList();

        var stats = new InterleavedTimer(clock).Time(runs, samples: 10, warmups: 1, repeats: 5, CancellationToken.None);
        CollectionAssert.AreEqual(new[] { 0, 1, 2, /* timed: */ 0, 1, 2, 1, 2, 0, 2, 0, 1, 0, 1, 2, 1, 2, 0 }, calls, "warm-up round, then round r starts with model r mod 3");
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(cost[i] / 10, stats[i].Min, 1e-9, "the warm-up penalty is not timed");
            Assert.AreEqual(cost[i] / 10, stats[i].Median, 1e-9);
            Assert.AreEqual(cost[i] / 10, stats[i].Max, 1e-9);
            Assert.AreEqual(5, stats[i].Runs);
        }
    }

    [TestMethod]
    public void TheHookAfterEachRunIsCalledEveryRunAndIsNotTimed()
    {
        var clock = new FakeClock();
        int hooks = 0;
        var runs = Enumerable.Range(0, 2).Select(i => (Action)(() => clock.Advance(10 * (i + 1)))).ToList();
        var stats = new InterleavedTimer(clock).Time(runs, samples: 1, warmups: 1, repeats: 5, CancellationToken.None, () =>
        {
            hooks++;
            clock.Advance(1000);
        });
        Assert.AreEqual(2 * (1 + 5), hooks, "once after every warm-up and timed run");
        Assert.AreEqual(10, stats[0].Max, 1e-9, "the hook's time is not in the timings");
        Assert.AreEqual(20, stats[1].Max, 1e-9);
    }

    [TestMethod]
    public void RotationKeepsADriftingMachineFromFavouringTheLaterModels()
    {
        // Three identical models on a machine that gets faster with every call (caches filling, another job ending):
        // run one after the other, the last model looked 2x faster; interleaved, their medians agree.
        var clock = new FakeClock();
        int call = 0;
        var runs = Enumerable.Range(0, 3).Select(_ => (Action)(() => clock.Advance(100 - (3 * call++)))).ToList();
        var stats = new InterleavedTimer(clock).Time(runs, samples: 1, warmups: 1, repeats: 9, CancellationToken.None);
        double spread = stats.Max(s => s.Median) / stats.Min(s => s.Median);
        Assert.IsTrue(spread < 1.2, $"medians {string.Join(", ", stats.Select(s => s.Median))}");

        // The same drift with each model's runs back to back (what the report did before): the last model looks much faster.
        clock = new FakeClock();
        call = 0;
        var sequential = Enumerable.Range(0, 3).Select(i => new InterleavedTimer(clock).Time([runs[i]], samples: 1, warmups: 1, repeats: 9, CancellationToken.None)[0]).ToArray();
        Assert.IsTrue(sequential[0].Median / sequential[2].Median > 1.5, $"sequential medians {string.Join(", ", sequential.Select(s => s.Median))}");
    }

    [TestMethod]
    public void StatisticsAreMinMedianMax()
    {
        var stats = TimingStats.From([5, 1, 4, 2, 3]);
        Assert.AreEqual(new TimingStats(1, 3, 5, 5), stats);
        Assert.AreEqual(2.5, TimingStats.From([4, 1, 2, 3]).Median);
        Assert.AreEqual("3 (1-5)", stats.ToString());
        Assert.AreEqual("2.31 (0.00292-12.5)", new TimingStats(0.0029166, 2.3123, 12.49, 5).ToString());
        Assert.ThrowsExactly<ArgumentException>(() => TimingStats.From([]));
    }

    [TestMethod]
    public void ATimeSpeedupOutsideItsSpreadOfTheMacSpeedupIsFlagged()
    {
        var baseline = new TimingStats(2.0, 2.1, 2.3, 5);
        var model = new TimingStats(1.0, 1.05, 1.1, 5);

        // Same MACs (e.g. the report's old "2.08x measured" for a model running the baseline's MACs): not a result.
        var warmUp = TimeSpeedup.Of(baseline, model, macSpeedup: 1.0);
        Assert.AreEqual(2.0, warmUp.Median, 1e-12);
        Assert.AreEqual(2.0 / 1.1, warmUp.Low, 1e-12);
        Assert.AreEqual(2.3, warmUp.High, 1e-12);
        Assert.IsTrue(warmUp.Disagrees);
        Assert.AreEqual("2.00x (1.82-2.30) ⚠", warmUp.ToString());

        // A MAC speedup inside the spread agrees.
        var method = TimeSpeedup.Of(baseline, model, macSpeedup: 2.1);
        Assert.IsFalse(method.Disagrees);
        Assert.AreEqual("2.00x (1.82-2.30)", method.ToString());

        // The baseline against itself never disagrees.
        Assert.IsFalse(TimeSpeedup.Of(baseline, baseline, 1.0).Disagrees);
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class FakeClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => _ticks;

        public void Advance(double milliseconds) => _ticks += (long)Math.Round(milliseconds * 1000);
    }
}
