namespace ClassyNet.MLNet.Inference;

/// <summary>
/// Chooses early-exit thresholds on a labelled calibration set from an <see cref="ExitScoreCache"/> (one forward pass),
/// minimising the expected MACs per sample under an accuracy constraint, per-class recall floors, or both.
/// </summary>
/// <remarks>
/// <para>
/// Candidates: for each early exit, "disabled" plus up to <see cref="ThresholdCalibrationOptions.CandidatesPerExit"/>
/// thresholds at quantiles of that exit's scores over the samples whose argmax is not the bag (samples whose argmax is
/// the bag can never leave there). Each candidate is placed so exactly the samples up to its quantile pass: for entropy
/// T = the next float above the quantile's entropy (H &lt; T), for the largest probability T = the quantile's value
/// (p &gt;= T). Disabled is T = 0 for entropy and T = the next float above 1 for the largest probability.
/// </para>
/// <para>
/// For each sample and exit the index of the first candidate that lets it leave is precomputed with the predictor's
/// own rule, so evaluating a threshold vector is one integer pass over the samples and replays
/// <see cref="EarlyExitPredictor"/> exactly. Candidates are compared by (constraint violation, total MACs, -correct):
/// among feasible vectors the fewest MACs wins, then the most accurate, then the first found. When the number of
/// combinations is at most <see cref="ThresholdCalibrationOptions.MaxExhaustiveCombinations"/> all are evaluated
/// (so a looser constraint never gives more MACs); otherwise coordinate descent from "all early exits disabled"
/// sweeps one exit's grid at a time with the others fixed, repeating passes until nothing improves. The accuracy
/// constraint is measured against the final exit's accuracy on the same set, which "all disabled" meets, so it is
/// always satisfiable.
/// </para>
/// </remarks>
public static class ThresholdCalibrator
{
    private const double Tolerance = 1e-12;

    /// <summary>Thresholds keeping accuracy within <paramref name="maxAccuracyDrop"/> (a fraction, &gt;= 0) of the final exit's accuracy, with the fewest MACs.</summary>
    public static ThresholdCalibrationResult CalibrateForAccuracy(ExitScoreCache cache, double maxAccuracyDrop, ExitPolicy policy = ExitPolicy.Entropy) =>
        Run(cache, policy, new ThresholdCalibrationOptions { MaxAccuracyDrop = maxAccuracyDrop }, nameof(maxAccuracyDrop), nameof(maxAccuracyDrop));

    /// <summary>Thresholds keeping each listed class's recall at or above its floor (class to floor in [0, 1]), with the fewest MACs.</summary>
    public static ThresholdCalibrationResult CalibrateForRecall(ExitScoreCache cache, IReadOnlyDictionary<int, double> minimumRecall, ExitPolicy policy = ExitPolicy.Entropy)
    {
        ArgumentNullException.ThrowIfNull(minimumRecall);
        return Run(cache, policy, new ThresholdCalibrationOptions { MinimumRecall = minimumRecall }, nameof(minimumRecall), nameof(minimumRecall));
    }

    /// <summary>Thresholds meeting the constraints of <paramref name="options"/> with the fewest MACs.</summary>
    public static ThresholdCalibrationResult Calibrate(ExitScoreCache cache, ThresholdCalibrationOptions options, ExitPolicy policy = ExitPolicy.Entropy)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Run(cache, policy, options, nameof(options) + "." + nameof(ThresholdCalibrationOptions.MaxAccuracyDrop), nameof(options) + "." + nameof(ThresholdCalibrationOptions.MinimumRecall));
    }

    private static ThresholdCalibrationResult Run(ExitScoreCache cache, ExitPolicy policy, ThresholdCalibrationOptions options, string dropArgument, string recallArgument)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, $"policy must be {ExitPolicy.Entropy} or {ExitPolicy.MaxProbability}.");
        }

        if (cache.Count == 0)
        {
            throw new ArgumentException("cache holds no samples; calibration needs a labelled set.", nameof(cache));
        }

        var problem = new Problem(cache, policy, options, dropArgument, recallArgument);
        return problem.Solve();
    }

    private sealed class Problem
    {
        private readonly ExitScoreCache _cache;
        private readonly ExitPolicy _policy;
        private readonly ThresholdCalibrationOptions _options;
        private readonly int _early;
        private readonly float[][] _grids;
        private readonly int[][] _firstLeaving; // [exit][sample] -> first candidate index that lets the sample leave
        private readonly double? _requiredAccuracy;
        private readonly int[] _recallClasses;
        private readonly double[] _recallFloors;
        private readonly int[] _recallCounts;
        private readonly int[] _recallSlot; // class -> slot in _recallClasses, or -1
        private readonly Dictionary<long, Evaluation> _evaluated = [];
        private readonly long[] _strides;

        internal Problem(ExitScoreCache cache, ExitPolicy policy, ThresholdCalibrationOptions options, string dropArgument, string recallArgument)
        {
            _cache = cache;
            _policy = policy;
            _options = options;
            if (options.MaxAccuracyDrop is { } drop && (!double.IsFinite(drop) || drop < 0))
            {
                throw new ArgumentOutOfRangeException(dropArgument, drop, $"{dropArgument} = {drop}: the allowed accuracy drop must be a finite fraction >= 0.");
            }

            var recall = options.MinimumRecall ?? new Dictionary<int, double>();
            if (options.MaxAccuracyDrop is null && recall.Count == 0)
            {
                throw new ArgumentException($"Calibration needs a constraint: set {dropArgument} (accuracy drop) or {recallArgument} (per-class recall floors).", recallArgument);
            }

            if (options.CandidatesPerExit < 1 || options.MaxExhaustiveCombinations < 1 || options.MaxCoordinatePasses < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"CandidatesPerExit ({options.CandidatesPerExit}), MaxExhaustiveCombinations ({options.MaxExhaustiveCombinations}) and MaxCoordinatePasses ({options.MaxCoordinatePasses}) must all be >= 1.");
            }

            int k = cache.ClassCount;
            var classCounts = new int[k];
            foreach (int y in cache.Labels)
            {
                classCounts[y]++;
            }

            _recallClasses = recall.Keys.OrderBy(c => c).ToArray();
            _recallFloors = new double[_recallClasses.Length];
            _recallCounts = new int[_recallClasses.Length];
            _recallSlot = Enumerable.Repeat(-1, k).ToArray();
            for (int s = 0; s < _recallClasses.Length; s++)
            {
                int c = _recallClasses[s];
                double floor = recall[c];
                if ((uint)c >= (uint)k)
                {
                    throw new ArgumentOutOfRangeException(recallArgument, c, $"{recallArgument} names class {c}, outside [0, {k}).");
                }

                if (!(floor >= 0 && floor <= 1))
                {
                    throw new ArgumentOutOfRangeException(recallArgument, floor, $"{recallArgument}[{c}] = {floor}: a recall floor must be in [0, 1].");
                }

                if (classCounts[c] == 0)
                {
                    throw new ArgumentException($"{recallArgument} names class {c}, which has no sample in the calibration set, so its recall cannot be measured.", recallArgument);
                }

                _recallFloors[s] = floor;
                _recallCounts[s] = classCounts[c];
                _recallSlot[c] = s;
            }

            if (options.MaxAccuracyDrop is { } d)
            {
                _requiredAccuracy = cache.ExitAccuracy(cache.ExitCount - 1) - d;
            }

            _early = cache.ExitCount - 1;
            _grids = new float[_early][];
            _firstLeaving = new int[_early][];
            _strides = new long[_early];
            long stride = 1;
            for (int m = 0; m < _early; m++)
            {
                _grids[m] = Candidates(m);
                _firstLeaving[m] = FirstLeaving(m, _grids[m]);
                _strides[m] = stride;
                stride = stride > long.MaxValue / _grids[m].Length ? long.MaxValue : stride * _grids[m].Length;
            }
        }

        internal ThresholdCalibrationResult Solve()
        {
            long combinations = 1;
            foreach (var grid in _grids)
            {
                combinations = combinations > long.MaxValue / grid.Length ? long.MaxValue : combinations * grid.Length;
            }

            var search = combinations <= _options.MaxExhaustiveCombinations ? ThresholdSearch.Exhaustive : ThresholdSearch.CoordinateDescent;
            var best = search == ThresholdSearch.Exhaustive ? Exhaustive() : CoordinateDescent();
            var thresholds = Thresholds(best.Combo);
            var simulation = _cache.Simulate(_policy, thresholds);
            long fullMacs = _cache.ExitMacs[^1];
            return new ThresholdCalibrationResult(simulation, _cache.ExitAccuracy(_cache.ExitCount - 1), fullMacs, best.Violation == 0, search, _evaluated.Count, ParetoFront());
        }

        private Evaluation Exhaustive() => GridSearch.Exhaustive(GridSizes(), Evaluate, Better);

        private Evaluation CoordinateDescent() => GridSearch.CoordinateDescent(GridSizes(), new int[_early], Evaluate, Better, e => e.Combo, _options.MaxCoordinatePasses);

        private int[] GridSizes() => _grids.Select(g => g.Length).ToArray();

        private static bool Better(Evaluation a, Evaluation b) =>
            a.Violation != b.Violation ? a.Violation < b.Violation
            : a.Macs != b.Macs ? a.Macs < b.Macs
            : a.Correct > b.Correct;

        private Evaluation Evaluate(int[] combo)
        {
            long key = 0;
            for (int m = 0; m < _early; m++)
            {
                key += combo[m] * _strides[m];
            }

            if (_evaluated.TryGetValue(key, out var known))
            {
                return known;
            }

            int n = _cache.Count;
            var labels = _cache.Labels;
            var prefix = _cache.ExitMacs;
            var classCorrect = new int[_recallClasses.Length];
            long correct = 0, macs = 0;
            for (int i = 0; i < n; i++)
            {
                int m = 0;
                while (m < _early && combo[m] < _firstLeaving[m][i])
                {
                    m++;
                }

                macs += prefix[m];
                int y = labels[i];
                if (_cache.Predicted(m, i) == y)
                {
                    correct++;
                    int slot = _recallSlot[y];
                    if (slot >= 0)
                    {
                        classCorrect[slot]++;
                    }
                }
            }

            double violation = 0;
            if (_requiredAccuracy is { } required)
            {
                violation = Math.Max(violation, required - (double)correct / n);
            }

            for (int s = 0; s < _recallClasses.Length; s++)
            {
                violation = Math.Max(violation, _recallFloors[s] - (double)classCorrect[s] / _recallCounts[s]);
            }

            var e = new Evaluation((int[])combo.Clone(), violation <= Tolerance ? 0 : violation, macs, correct);
            _evaluated[key] = e;
            return e;
        }

        private List<CalibrationPoint> ParetoFront()
        {
            int n = _cache.Count;
            var front = new List<CalibrationPoint>();
            long bestCorrect = -1;
            foreach (var e in _evaluated.Values.OrderBy(e => e.Macs).ThenByDescending(e => e.Correct))
            {
                if (e.Correct > bestCorrect)
                {
                    bestCorrect = e.Correct;
                    front.Add(new CalibrationPoint(Thresholds(e.Combo), n == 0 ? 0 : (double)e.Correct / n, n == 0 ? 0 : (double)e.Macs / n, e.Violation == 0));
                }
            }

            return front;
        }

        private float[] Thresholds(int[] combo)
        {
            var t = new float[_early];
            for (int m = 0; m < _early; m++)
            {
                t[m] = _grids[m][combo[m]];
            }

            return t;
        }

        private float[] Candidates(int exit) => ThresholdGrid.For(_cache, _policy, exit, _options.CandidatesPerExit);

        private int[] FirstLeaving(int exit, float[] grid)
        {
            var scores = _cache.Score(_policy, exit);
            var first = new int[scores.Length];
            for (int i = 0; i < scores.Length; i++)
            {
                bool bag = _cache.IsBag(exit, i);
                int c = 0;
                while (c < grid.Length && !ExitDecision.Leaves(_policy, scores[i], grid[c], bag))
                {
                    c++;
                }

                first[i] = c == grid.Length ? int.MaxValue : c;
            }

            return first;
        }
    }

    private sealed record Evaluation(int[] Combo, double Violation, long Macs, long Correct);
}
