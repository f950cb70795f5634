namespace ClassyNet.MLNet.Deployment;

/// <summary>The JSON shape of <see cref="EdgePackageExit"/>.</summary>
internal sealed class EdgePackageExitDto
{
    public int Index { get; set; }

    public int[]? OutputClasses { get; set; }

    public string? ProbabilitiesOutput { get; set; }

    public string? EntropyOutput { get; set; }
}
