using System.Globalization;
using System.Text;

namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>Memory of every edge partition of a network and which budgets each fits (from <see cref="PartitionMemoryAnalyzer"/>).</summary>
public sealed record PartitionMemoryReport
{
    /// <summary>One sample's shape (no batch dimension).</summary>
    public required IReadOnlyList<int> InputShape { get; init; }

    /// <summary>Batch size of the formula and of the measured run.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Bytes per parameter of the formula.</summary>
    public required int BytesPerParameter { get; init; }

    /// <summary>Trainable parameters of the whole network (all exits).</summary>
    public required long TotalParameters { get; init; }

    /// <summary>One entry per exit: the edge part ending there.</summary>
    public required IReadOnlyList<PartitionMemory> Partitions { get; init; }

    /// <summary>One entry per budget checked.</summary>
    public required IReadOnlyList<BudgetFit> Fits { get; init; }

    /// <summary>Both tables (partitions, then budgets) as GitHub Markdown.</summary>
    public string ToMarkdown()
    {
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"Input [{string.Join(", ", InputShape)}], batch {BatchSize}, {BytesPerParameter} bytes per parameter; whole network {TotalParameters:N0} parameters.");
        b.AppendLine();
        b.AppendLine("| edge part | prefix params | prefix weight tensors | paper formula | edge params (all heads) | edge formula | stored bytes | activation floor (shapes) | measured activation peak | measured total | hand-off / sample |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in Partitions)
        {
            b.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Label} | {p.PrefixParameters:N0} | {p.PrefixWeightTensorParameters:N0} | {Bytes(p.PaperFormulaBytes)} | {p.EdgeParameters:N0} | {Bytes(p.EdgeFormulaBytes)} | {Bytes(p.EdgeStateBytes)} | {Bytes(p.ShapeActivationBytes)} | {(p.MeasuredActivation is { } a ? Bytes(a.PeakBytes) : "-")} | {(p.MeasuredTotalBytes is long t ? Bytes(t) : "-")} | {Bytes(p.HandoffBytesPerSample)} |");
        }

        b.AppendLine();
        b.AppendLine("| budget | bytes | deepest exit, paper formula | deepest exit, edge formula | deepest exit, measured |");
        b.AppendLine("|---|---:|---|---|---|");
        foreach (var f in Fits)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"| {f.Budget.Label} | {f.Budget.Bytes:N0} | {Name(f.ByPaperFormula)} | {Name(f.ByEdgeFormula)} | {Name(f.ByMeasured)} |");
        }

        return b.ToString();
    }

    private static string Bytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} ({MemoryBudget.Format(bytes)})");

    private string Name(int? exit) => exit is int k ? Partitions[k].Label : "none";
}
