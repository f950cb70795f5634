using ClassyNet.MLNet.Losses;

namespace ClassyNet.MLNet.Training;

/// <summary>
/// A complete training configuration for one of the paper's models: class sets, cost matrices, exit weights and
/// thresholds. <see cref="Apply"/> copies it into trainer options.
/// </summary>
/// <param name="Mode">Which model this is.</param>
/// <param name="ExitClasses">Class sets per exit.</param>
/// <param name="CostMatrices">Cost matrices per exit.</param>
/// <param name="ExitLossWeights">w_m per exit.</param>
/// <param name="ExitThresholds">Entropy thresholds of the early exits (all 0 for the baseline, so they never fire).</param>
public sealed record ClassyNetPreset(ClassyNetMode Mode, ExitClassSets ExitClasses, CostMatrices CostMatrices, IReadOnlyList<float> ExitLossWeights, IReadOnlyList<float> ExitThresholds)
{
    /// <summary>Default eq. 3 costs: c1 = 0.5 (target, correct), c2 = 1 (target, wrong), c3 = 1.5 (non-target, correct), c4 = 2 (non-target, wrong), following the paper's ordering c1 &lt; c2 &lt; c3 &lt; c4 (it gives no values).</summary>
    public static CostMatrices DefaultCosts { get; } = CostMatrices.Targeted(0.5f, 1f, 1.5f, 2f);

    /// <summary>
    /// Builds the preset for <paramref name="mode"/>. <paramref name="priorityClasses"/>[m] lists the classes exit m
    /// (0-based, early exits only) is responsible for; with the IC scheme each exit also keeps the classes of the exits
    /// before it. BranchyNet and the baseline ignore the priorities.
    /// </summary>
    public static ClassyNetPreset Create(
        ClassyNetMode mode,
        int classCount,
        IReadOnlyList<IReadOnlyList<int>> priorityClasses,
        IReadOnlyList<float> exitLossWeights,
        IReadOnlyList<float> exitThresholds,
        ExitClassScheme scheme = ExitClassScheme.Incremental,
        CostMatrices? costs = null)
    {
        ArgumentNullException.ThrowIfNull(priorityClasses);
        ArgumentNullException.ThrowIfNull(exitLossWeights);
        ArgumentNullException.ThrowIfNull(exitThresholds);
        int exits = priorityClasses.Count + 1;
        if (exitLossWeights.Count != exits)
        {
            throw new ArgumentException($"exitLossWeights has {exitLossWeights.Count} values; {priorityClasses.Count} priority sets mean {exits} exits.", nameof(exitLossWeights));
        }

        if (exitThresholds.Count != exits - 1 && exitThresholds.Count != exits)
        {
            throw new ArgumentException($"exitThresholds has {exitThresholds.Count} values; expected {exits - 1} (one per early exit).", nameof(exitThresholds));
        }

        var early = exitThresholds.Take(exits - 1).ToArray();
        switch (mode)
        {
            case ClassyNetMode.Baseline:
                var weights = new float[exits];
                weights[^1] = 1f;
                return new(mode, ExitClassSets.AllClasses(exits, classCount), CostMatrices.Ones, weights, new float[exits - 1]);
            case ClassyNetMode.BranchyNet:
                return new(mode, ExitClassSets.AllClasses(exits, classCount), CostMatrices.Ones, exitLossWeights.ToArray(), early);
            case ClassyNetMode.ClassyNet:
            case ClassyNetMode.ClassyNetWithCosts:
                var sets = scheme switch
                {
                    ExitClassScheme.Incremental => ExitClassSets.Incremental(priorityClasses, classCount),
                    ExitClassScheme.MutuallyExclusive => ExitClassSets.MutuallyExclusive(priorityClasses, classCount),
                    _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "ClassyNet needs the Incremental or MutuallyExclusive scheme."),
                };
                var matrices = mode == ClassyNetMode.ClassyNet ? CostMatrices.Ones : costs ?? DefaultCosts;
                return new(mode, sets, matrices, exitLossWeights.ToArray(), early);
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode.");
        }
    }

    /// <summary>Writes this preset into <paramref name="options"/> and returns them.</summary>
    public MultiExitTrainerOptions Apply(MultiExitTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ExitClasses = ExitClasses;
        options.CostMatrices = CostMatrices;
        options.ExitLossWeights = ExitLossWeights;
        options.ExitThresholds = ExitThresholds;
        return options;
    }
}
