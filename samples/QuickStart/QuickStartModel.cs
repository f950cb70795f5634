using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;

namespace ClassyNet.QuickStart;

/// <summary>One trained QuickStart model.</summary>
/// <param name="Label">BN, BoC-MC or BoC-IC.</param>
/// <param name="Network">The trained network.</param>
/// <param name="Sets">Its exit class sets.</param>
/// <param name="Thresholds">The entropy thresholds chosen on the validation points.</param>
/// <param name="Simulation">Algorithm 1 with those thresholds on the test points (the table's and the sentences' numbers).</param>
public sealed record QuickStartModel(string Label, MultiExitNetwork Network, ExitClassSets Sets, IReadOnlyList<float> Thresholds, EarlyExitSimulation Simulation);
