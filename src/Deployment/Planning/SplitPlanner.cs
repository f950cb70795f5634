using ClassyNet.MLNet.Inference;

namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>
/// Chooses where to split a multi-exit network between an edge device and the cloud, and the early-exit thresholds,
/// to minimise the expected end-to-end latency per batch under an accuracy floor, for a given device memory, link and
/// class mix. Every input is measured: exit behaviour and accuracy per threshold vector come from a validation
/// <see cref="ExitScoreCache"/>, memory and latencies from a <see cref="SplitCostProfile"/>.
/// </summary>
/// <remarks>
/// <para>
/// Outcome of thresholds T: the cache replays Algorithm 1 (<see cref="ExitScoreCache.Simulate"/>); under the mix pi the
/// share leaving at exit m is q_m = sum_c pi_c P(exit m | class c) and the accuracy sum_c pi_c recall_c. A sample
/// reaches stage j with probability s_j = sum_(m &gt;= j) q_m.
/// </para>
/// <para>
/// Latency of a batch of B inputs drawn from the mix, split after exit k (device: stages and heads 0..k; cloud: the
/// rest; k = -1 is cloud only): each stage and head j costs its <see cref="AffineLatency"/> at the expected number of
/// samples still in flight, B s_j, with its fixed part paid when at least one sample is there (probability
/// 1 - (1 - s_j)^B), on the device times <see cref="SplitPlannerOptions.EdgeSlowdown"/> or in the cloud divided by
/// <see cref="SplitPlannerOptions.CloudSpeedup"/>. The batch uses the link once when any of its samples goes on
/// (probability 1 - (1 - s_(k+1))^B): one round trip plus the expected bytes (B s_(k+1) x (hand-off + response bytes))
/// over the bandwidth.
/// </para>
/// <para>
/// Search: per early exit, "disabled" plus quantile thresholds (<see cref="SplitPlannerOptions.CandidatesPerExit"/>, as
/// the threshold calibrator places them) and any <see cref="SplitPlannerOptions.InitialThresholds"/>. Every combination
/// is evaluated when there are at most <see cref="SplitPlannerOptions.MaxExhaustiveCombinations"/>; otherwise, per
/// split, coordinate descent from "all disabled" and from the initial thresholds. Candidates compare by (accuracy
/// shortfall, latency, -accuracy). The chosen split is the fastest that fits the memory and meets the floor.
/// </para>
/// </remarks>
public static class SplitPlanner
{
    private const double Tolerance = 1e-12;

    /// <summary>Plans a split for the network behind <paramref name="cache"/> and <paramref name="costs"/>.</summary>
    public static SplitPlan Plan(ExitScoreCache cache, SplitCostProfile costs, SplitPlannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(options);
        costs.Validate(nameof(costs));
        if (costs.ExitCount != cache.ExitCount)
        {
            throw new ArgumentException($"costs describe {costs.ExitCount} exits but the score cache has {cache.ExitCount}; profile the network the cache was built from.", nameof(costs));
        }

        if (cache.Count == 0)
        {
            throw new ArgumentException("cache holds no samples; the planner needs a labelled validation set.", nameof(cache));
        }

        CheckOptions(options);
        var mix = options.Mix ?? ClassMix.Uniform(cache.ClassCount);
        if (mix.ClassCount != cache.ClassCount)
        {
            throw new ArgumentException($"options.Mix has {mix.ClassCount} classes but the model has {cache.ClassCount}.", nameof(options));
        }

        var classCounts = new int[cache.ClassCount];
        foreach (int y in cache.Labels)
        {
            classCounts[y]++;
        }

        for (int c = 0; c < mix.ClassCount; c++)
        {
            if (mix.Shares[c] > 0 && classCounts[c] == 0)
            {
                throw new ArgumentException($"options.Mix gives class {c} a share of {100 * mix.Shares[c]:F1}% but the validation cache has no sample of it, so its exits and accuracy cannot be predicted.", nameof(options));
            }
        }

        var search = new Search(cache, costs, options, mix);
        double finalAccuracy = search.Outcome(new int[search.EarlyExits]).Accuracy;
        double? required = null;
        if (options.MaxAccuracyDrop is double drop)
        {
            required = finalAccuracy - drop;
        }

        if (options.MinimumAccuracy is double floor)
        {
            required = Math.Max(required ?? floor, floor);
        }

        search.Required = required;
        var candidates = new List<SplitCandidate>();
        for (int k = options.IncludeCloudOnly ? -1 : 0; k < costs.ExitCount; k++)
        {
            candidates.Add(search.Candidate(k));
        }

        var usable = candidates.Where(c => c.FitsMemory).ToList();
        var feasible = usable.Where(c => c.MeetsAccuracyFloor).ToList();
        var chosen = feasible.Count > 0
            ? feasible.OrderBy(c => c.TotalMs).ThenByDescending(c => c.PredictedAccuracy).First()
            : (usable.Count > 0 ? usable : candidates).OrderBy(c => Shortfall(required, c.PredictedAccuracy)).ThenBy(c => c.TotalMs).First();
        return new SplitPlan
        {
            Chosen = chosen,
            Candidates = candidates,
            Feasible = feasible.Count > 0,
            FinalExitAccuracy = finalAccuracy,
            RequiredAccuracy = required,
            DeviceMemoryBytes = options.DeviceMemoryBytes,
            Link = options.Link,
            Mix = mix,
            BatchSize = options.BatchSize,
            ThresholdVectorsEvaluated = search.Evaluated,
        };
    }

    /// <summary>
    /// Expected latency per batch for exit shares <paramref name="exitRates"/> (q_m, summing to 1) with the network split
    /// after exit <paramref name="splitExit"/> (-1: cloud only), as in the remarks on <see cref="SplitPlanner"/>.
    /// </summary>
    public static (double EdgeMs, double LinkMs, double CloudMs, double SendProbability, double BytesPerBatch) ExpectedLatency(
        IReadOnlyList<double> exitRates, int splitExit, SplitCostProfile costs, SplitPlannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(exitRates);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(options);
        int m = costs.ExitCount;
        if (exitRates.Count != m)
        {
            throw new ArgumentException($"exitRates has {exitRates.Count} entries; the network has {m} exits.", nameof(exitRates));
        }

        if (splitExit < -1 || splitExit >= m)
        {
            throw new ArgumentOutOfRangeException(nameof(splitExit), splitExit, $"splitExit must be -1 (cloud only) or an exit in [0, {m}).");
        }

        int b = options.BatchSize;
        var reach = new double[m + 1];
        for (int j = m - 1; j >= 0; j--)
        {
            reach[j] = Math.Min(1, reach[j + 1] + exitRates[j]);
        }

        double edge = 0, cloud = 0;
        for (int j = 0; j < m; j++)
        {
            double inFlight = b * reach[j];
            double anyThere = 1 - Math.Pow(1 - reach[j], b);
            double cost = Expected(costs.Latency.Stages[j], inFlight, anyThere) + Expected(costs.Latency.Heads[j], inFlight, anyThere);
            if (j <= splitExit)
            {
                edge += cost * options.EdgeSlowdown;
            }
            else
            {
                cloud += cost / options.CloudSpeedup;
            }
        }

        double onward = splitExit < 0 ? 1 : reach[splitExit + 1];
        double send = 1 - Math.Pow(1 - onward, b);
        long handoff = splitExit < 0 ? costs.InputBytesPerSample : costs.HandoffBytesPerSample[splitExit];
        double bytes = b * onward * (handoff + options.ResponseBytesPerSample);
        double link = (send * options.Link.RoundTripMs) + options.Link.TransferMs(bytes);
        return (edge, link, cloud, send, bytes);
    }

    private static double Expected(AffineLatency latency, double inFlight, double anyThere) => (latency.FixedMs * anyThere) + (latency.PerSampleMs * inFlight);

    private static double Shortfall(double? required, double accuracy) => required is double r && accuracy < r - Tolerance ? r - accuracy : 0;

    private static void CheckOptions(SplitPlannerOptions o)
    {
        ArgumentNullException.ThrowIfNull(o.Link, "options.Link");
        if (o.DeviceMemoryBytes < 0)
        {
            throw new ArgumentOutOfRangeException("options", o.DeviceMemoryBytes, $"options.DeviceMemoryBytes is {o.DeviceMemoryBytes}; expected >= 0.");
        }

        if (o.MaxAccuracyDrop is double d && !(d >= 0 && d <= 1))
        {
            throw new ArgumentOutOfRangeException("options", d, $"options.MaxAccuracyDrop is {d}; expected a fraction in [0, 1].");
        }

        if (o.MinimumAccuracy is double a && !(a >= 0 && a <= 1))
        {
            throw new ArgumentOutOfRangeException("options", a, $"options.MinimumAccuracy is {a}; expected a fraction in [0, 1].");
        }

        if (o.BatchSize < 1 || o.CandidatesPerExit < 1 || o.MaxExhaustiveCombinations < 1 || o.MaxCoordinatePasses < 1 || o.ResponseBytesPerSample < 0)
        {
            throw new ArgumentOutOfRangeException("options", $"options.BatchSize ({o.BatchSize}), CandidatesPerExit ({o.CandidatesPerExit}), MaxExhaustiveCombinations ({o.MaxExhaustiveCombinations}) and MaxCoordinatePasses ({o.MaxCoordinatePasses}) must be >= 1 and ResponseBytesPerSample ({o.ResponseBytesPerSample}) >= 0.");
        }

        if (!(o.EdgeSlowdown > 0 && double.IsFinite(o.EdgeSlowdown)) || !(o.CloudSpeedup > 0 && double.IsFinite(o.CloudSpeedup)))
        {
            throw new ArgumentOutOfRangeException("options", $"options.EdgeSlowdown ({o.EdgeSlowdown}) and CloudSpeedup ({o.CloudSpeedup}) must be finite and > 0.");
        }

        if (!Enum.IsDefined(o.Policy))
        {
            throw new ArgumentOutOfRangeException("options", o.Policy, $"options.Policy must be {ExitPolicy.Entropy} or {ExitPolicy.MaxProbability}.");
        }
    }

    private readonly record struct Outcome(double[] ExitRates, double Accuracy);

    private readonly record struct Score(int[] Combo, double Shortfall, double Latency, double Accuracy);

    private sealed class Search
    {
        private readonly ExitScoreCache _cache;
        private readonly SplitCostProfile _costs;
        private readonly SplitPlannerOptions _options;
        private readonly ClassMix _mix;
        private readonly float[][] _grids;
        private readonly long[] _strides;
        private readonly int[]? _initial;
        private readonly Dictionary<long, Outcome> _outcomes = [];
        private readonly bool _exhaustive;

        public Search(ExitScoreCache cache, SplitCostProfile costs, SplitPlannerOptions options, ClassMix mix)
        {
            _cache = cache;
            _costs = costs;
            _options = options;
            _mix = mix;
            EarlyExits = cache.ExitCount - 1;
            var initial = options.InitialThresholds is { } t ? ExitRuleThresholds(t) : null;
            _grids = new float[EarlyExits][];
            _strides = new long[EarlyExits];
            long stride = 1;
            for (int m = 0; m < EarlyExits; m++)
            {
                var grid = ThresholdGrid.For(cache, options.Policy, m, options.CandidatesPerExit).ToList();
                if (initial is not null && !grid.Contains(initial[m]))
                {
                    grid.Add(initial[m]);
                    grid.Sort();
                    if (options.Policy == ExitPolicy.MaxProbability)
                    {
                        grid.Reverse();
                    }
                }

                _grids[m] = grid.ToArray();
                _strides[m] = stride;
                stride = stride > long.MaxValue / _grids[m].Length ? long.MaxValue : stride * _grids[m].Length;
            }

            _initial = initial?.Select((v, m) => Array.IndexOf(_grids[m], v)).ToArray();
            _exhaustive = stride <= options.MaxExhaustiveCombinations;
        }

        public int EarlyExits { get; }

        public double? Required { get; set; }

        public int Evaluated => _outcomes.Count;

        public Outcome Outcome(int[] combo)
        {
            long key = 0;
            for (int m = 0; m < EarlyExits; m++)
            {
                key += combo[m] * _strides[m];
            }

            if (_outcomes.TryGetValue(key, out var known))
            {
                return known;
            }

            var simulation = _cache.Simulate(_options.Policy, Thresholds(combo));
            var rates = new double[_cache.ExitCount];
            double accuracy = 0;
            for (int c = 0; c < _mix.ClassCount; c++)
            {
                double share = _mix.Shares[c];
                if (share == 0)
                {
                    continue;
                }

                accuracy += share * simulation.ClassRecall[c];
                for (int m = 0; m < rates.Length; m++)
                {
                    rates[m] += share * simulation.ClassExitRates[c][m];
                }
            }

            var outcome = new Outcome(rates, accuracy);
            _outcomes[key] = outcome;
            return outcome;
        }

        public SplitCandidate Candidate(int split)
        {
            var best = _exhaustive ? Exhaustive(split) : Descend(split);
            var outcome = Outcome(best.Combo);
            var (edge, link, cloud, send, bytes) = ExpectedLatency(outcome.ExitRates, split, _costs, _options);
            long memory = split < 0 ? 0 : _costs.EdgeMemoryBytes[split];
            return new SplitCandidate
            {
                SplitExit = split,
                Label = _costs.Label(split),
                EdgeMemoryBytes = memory,
                FitsMemory = memory <= _options.DeviceMemoryBytes,
                Thresholds = Thresholds(best.Combo),
                PredictedAccuracy = outcome.Accuracy,
                MeetsAccuracyFloor = best.Shortfall == 0,
                ExitRates = outcome.ExitRates,
                CloudShare = split < 0 ? 1 : outcome.ExitRates.Skip(split + 1).Sum(),
                BatchSendProbability = send,
                BytesPerBatch = bytes,
                EdgeComputeMs = edge,
                LinkMs = link,
                CloudComputeMs = cloud,
            };
        }

        private Score Evaluate(int split, int[] combo)
        {
            var outcome = Outcome(combo);
            var (edge, link, cloud, _, _) = ExpectedLatency(outcome.ExitRates, split, _costs, _options);
            return new Score((int[])combo.Clone(), Shortfall(Required, outcome.Accuracy), edge + link + cloud, outcome.Accuracy);
        }

        private static bool Better(Score a, Score b) =>
            a.Shortfall != b.Shortfall ? a.Shortfall < b.Shortfall
            : a.Latency != b.Latency ? a.Latency < b.Latency
            : a.Accuracy > b.Accuracy;

        private Score Exhaustive(int split) => GridSearch.Exhaustive(GridSizes(), combo => Evaluate(split, combo), Better);

        private Score Descend(int split)
        {
            var best = Descend(split, new int[EarlyExits]);
            if (_initial is not null)
            {
                var fromInitial = Descend(split, _initial);
                if (Better(fromInitial, best))
                {
                    best = fromInitial;
                }
            }

            return best;
        }

        private Score Descend(int split, int[] start) =>
            GridSearch.CoordinateDescent(GridSizes(), start, combo => Evaluate(split, combo), Better, s => s.Combo, _options.MaxCoordinatePasses);

        private int[] GridSizes() => _grids.Select(g => g.Length).ToArray();

        private float[] Thresholds(int[] combo) => combo.Select((c, m) => _grids[m][c]).ToArray();

        private float[] ExitRuleThresholds(IReadOnlyList<float> thresholds)
        {
            if (thresholds.Count != EarlyExits && thresholds.Count != EarlyExits + 1)
            {
                throw new ArgumentException($"options.InitialThresholds has {thresholds.Count} values; the network has {EarlyExits} early exits.", "options");
            }

            var used = thresholds.Take(EarlyExits).ToArray();
            if (used.Any(t => !float.IsFinite(t) || t < 0))
            {
                throw new ArgumentOutOfRangeException("options", $"options.InitialThresholds [{string.Join(", ", used)}] must be finite and >= 0.");
            }

            return used;
        }
    }
}
