using ClassyNet.MLNet.Deployment;

namespace ClassyNet.Serving;

/// <summary>One model version the service holds.</summary>
public sealed record CloudModelInfo
{
    /// <summary>Id and weights version.</summary>
    public required ModelIdentity Identity { get; init; }

    /// <summary>Whether this is the newest loaded version of its id.</summary>
    public required bool Current { get; init; }

    /// <summary>Number of exits M.</summary>
    public required int ExitCount { get; init; }

    /// <summary>Number of classes K.</summary>
    public required int ClassCount { get; init; }

    /// <summary>Per-sample activation shape the cloud part expects for each split k = 1..M-1 (index k - 1).</summary>
    public required IReadOnlyList<IReadOnlyList<int>> ActivationShapes { get; init; }

    /// <summary>Requests running on this version right now.</summary>
    public required int InFlight { get; init; }
}
