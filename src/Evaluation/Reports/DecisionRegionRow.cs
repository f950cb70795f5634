using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// One model of a <see cref="DecisionRegionFigure"/>: a row label, a network taking two input features, its exit class
/// sets, and the early-exit thresholds and policy in force (Algorithm 1 is drawn with exactly these).
/// </summary>
/// <param name="Label">Row label, e.g. "BoC-MC".</param>
/// <param name="Network">The trained network (two input features).</param>
/// <param name="Sets">Its exit class sets.</param>
/// <param name="Thresholds">Thresholds T_1..T_(M-1) of the early exits.</param>
/// <param name="Policy">The exit test (default: entropy, as in the paper).</param>
public sealed record DecisionRegionRow(string Label, MultiExitNetwork Network, ExitClassSets Sets, IReadOnlyList<float> Thresholds, ExitPolicy Policy = ExitPolicy.Entropy);
