namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>One line of a <see cref="LineChartFigure"/>: a legend name and points (X[i], Y[i]).</summary>
/// <param name="Name">Legend entry.</param>
/// <param name="X">X coordinates, same count as <paramref name="Y"/>.</param>
/// <param name="Y">Y coordinates (non-finite values are skipped).</param>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
