using System.Globalization;
using System.Text;
using ClassyNet.MLNet.Deployment.Budgets;

namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>The <see cref="SplitPlanner"/>'s choice and every candidate it weighed.</summary>
public sealed record SplitPlan
{
    /// <summary>The chosen split and thresholds.</summary>
    public required SplitCandidate Chosen { get; init; }

    /// <summary>Every split considered (cloud only first when included, then E1..EM), each with its best thresholds.</summary>
    public required IReadOnlyList<SplitCandidate> Candidates { get; init; }

    /// <summary>True when the chosen candidate fits the memory and meets the accuracy floor.</summary>
    public required bool Feasible { get; init; }

    /// <summary>Accuracy of the final exit alone under the mix (all early exits disabled).</summary>
    public required double FinalExitAccuracy { get; init; }

    /// <summary>The accuracy floor applied (fraction), or null for none.</summary>
    public required double? RequiredAccuracy { get; init; }

    /// <summary>Device memory planned for (bytes).</summary>
    public required long DeviceMemoryBytes { get; init; }

    /// <summary>The link planned for.</summary>
    public required LinkProfile Link { get; init; }

    /// <summary>The class mix planned for.</summary>
    public required ClassMix Mix { get; init; }

    /// <summary>Samples per batch.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Threshold vectors whose outcome was simulated on the score cache.</summary>
    public required int ThresholdVectorsEvaluated { get; init; }

    /// <summary>The reasoning: the deployment, every candidate with its prediction, and why the chosen one won.</summary>
    public string Explain()
    {
        var b = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        b.AppendLine(inv, $"Device memory {MemoryBudget.Format(DeviceMemoryBytes)} ({DeviceMemoryBytes:N0} bytes); link {Link}; class mix {Mix}; batches of {BatchSize}.");
        b.AppendLine(inv, $"Final exit alone: accuracy {Pct(FinalExitAccuracy, 2)} under the mix; floor {(RequiredAccuracy is double r ? Pct(r, 2) : "none")}. {ThresholdVectorsEvaluated} threshold vectors simulated on the validation score cache.");
        b.AppendLine("| split | edge memory | fits | thresholds | accuracy | exit rates | to cloud | edge ms | link ms | cloud ms | total ms/batch |");
        b.AppendLine("|---|---:|---|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var c in Candidates)
        {
            string mark = ReferenceEquals(c, Chosen) ? " **chosen**" : string.Empty;
            b.AppendLine(inv,
                $"| {c.Label}{mark} | {MemoryBudget.Format(c.EdgeMemoryBytes)} | {(c.FitsMemory ? "yes" : "no")} | {string.Join(", ", c.Thresholds.Select(t => t.ToString("G3", inv)))} | {Pct(c.PredictedAccuracy, 2)}{(c.MeetsAccuracyFloor ? string.Empty : " (below floor)")} | {string.Join(" ", c.ExitRates.Select(r => (100 * r).ToString("F0", inv)))} | {Pct(c.CloudShare, 1)} | {c.EdgeComputeMs:F2} | {c.LinkMs:F2} | {c.CloudComputeMs:F2} | {c.TotalMs:F2} |");
        }

        b.AppendLine(Reason());
        return b.ToString();
    }

    private static string Pct(double fraction, int decimals) => (100 * fraction).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%";

    private string Reason()
    {
        var inv = CultureInfo.InvariantCulture;
        var c = Chosen;
        var tooBig = Candidates.Where(x => !x.FitsMemory).Select(x => x.Label).ToArray();
        var belowFloor = Candidates.Where(x => x.FitsMemory && !x.MeetsAccuracyFloor).Select(x => x.Label).ToArray();
        var text = new StringBuilder();
        if (Feasible)
        {
            text.Append(inv, $"Chosen: {c.Label} with thresholds [{string.Join(", ", c.Thresholds.Select(t => t.ToString("G4", inv)))}]: the lowest expected latency, {c.TotalMs:F2} ms per batch ({c.TotalMs / BatchSize:F3} ms per input), among the splits that fit and keep accuracy at {Pct(c.PredictedAccuracy, 2)}; {Pct(c.CloudShare, 1)} of inputs go to the cloud and a batch sends with probability {Pct(c.BatchSendProbability, 1)}.");
        }
        else
        {
            text.Append(inv, $"No split both fits {MemoryBudget.Format(DeviceMemoryBytes)} and meets the accuracy floor; {c.Label} comes closest (accuracy {Pct(c.PredictedAccuracy, 2)}, {c.TotalMs:F2} ms per batch).");
        }

        if (tooBig.Length > 0)
        {
            text.Append(inv, $" Too big for the device: {string.Join(", ", tooBig)}.");
        }

        if (belowFloor.Length > 0)
        {
            text.Append(inv, $" Fit but no threshold setting meets the floor: {string.Join(", ", belowFloor)}.");
        }

        return text.ToString();
    }
}
