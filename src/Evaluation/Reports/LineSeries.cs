namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// One line of a <see cref="LineChartFigure"/>: a legend name and points (X[i], Y[i]), optionally with a range
/// [YLow[i], YHigh[i]] drawn as an error bar (e.g. the fastest and slowest of repeated timings).
/// </summary>
/// <param name="Name">Legend entry.</param>
/// <param name="X">X coordinates, same count as <paramref name="Y"/>.</param>
/// <param name="Y">Y coordinates (non-finite values are skipped).</param>
/// <param name="YLow">Lower ends of the ranges, or null for none.</param>
/// <param name="YHigh">Upper ends of the ranges, or null for none.</param>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<double>? YLow = null, IReadOnlyList<double>? YHigh = null);
