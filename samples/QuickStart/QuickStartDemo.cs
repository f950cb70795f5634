using System.Globalization;
using System.Text;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Evaluation.Reports;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Training;
using TorchSharp;

namespace ClassyNet.QuickStart;

/// <summary>
/// The QuickStart: the paper's 2-D illustration (Section V-B3, Figs. 3-5). Four classes in the plane, an MLP with three
/// exits, trained three ways (BN: every exit answers for every class; BoC-MC: S1 = {blue}, S2 = {green}; BoC-IC:
/// S1 = {blue}, S2 = {blue, green}). Each model's entropy thresholds are chosen on a separate validation split with
/// <see cref="ThresholdCalibrator"/> (never on the test points); the table, the closing sentences and the figure are
/// all computed from one replay of Algorithm 1 with those thresholds (<see cref="ExitScoreCache.Simulate"/>, which is
/// what <see cref="EarlyExitPredictor"/> does).
/// </summary>
public static class QuickStartDemo
{
    /// <summary>Runs the demo: trains, calibrates and evaluates the three models, writing progress to <paramref name="log"/>.</summary>
    public static QuickStartResult Run(QuickStartSettings settings, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var train = SyntheticData.FourClasses(settings.TrainCount, seed: 1);
        var validation = SyntheticData.FourClasses(settings.ValidationCount, seed: 3);
        var test = SyntheticData.FourClasses(settings.TestCount, seed: 2, labelNoise: 0);
        log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training on {train.Count} points ({settings.Epochs} epochs), choosing thresholds on {validation.Count} validation points (accuracy within {settings.MaxAccuracyDrop * 100:0.#} pt of the final exit, fewest MACs), testing on {test.Count}."));
        var models = new (string Label, ExitClassSets Sets)[]
        {
            ("BN", ExitClassSets.AllClasses(exitCount: 3, classCount: 4)),
            ("BoC-MC", ExitClassSets.MutuallyExclusive([[0], [1]], classCount: 4)),
            ("BoC-IC", ExitClassSets.Incremental([[0], [1]], classCount: 4)),
        };

        var rows = new List<QuickStartModel>();
        foreach (var (label, sets) in models)
        {
            using var generator = new torch.Generator(3);
            var network = Architectures.Mlp(inputFeatures: 2, stageWidths: [16, 32, 64], classes: 4, exitOutputs: sets.OutputCounts(), layersPerStage: 2, generator: generator);
            var trainer = new MultiExitTrainer(network, new MultiExitTrainerOptions
            {
                ExitClasses = sets,
                ExitLossWeights = [0.4f, 0.3f, 0.3f],
                ExitThresholds = settings.TrainingThresholds,
                Epochs = settings.Epochs,
                BatchSize = 64,
                LearningRate = 0.01,
                Seed = 1,
            });
            trainer.Fit(train);
            var calibration = ThresholdCalibrator.CalibrateForAccuracy(ExitScoreCache.Build(network, sets, validation), settings.MaxAccuracyDrop);
            var simulation = ExitScoreCache.Build(network, sets, test).Simulate(ExitPolicy.Entropy, calibration.Thresholds);
            rows.Add(new QuickStartModel(label, network, sets, [.. calibration.Thresholds], simulation));
            log?.WriteLine($"  {label} trained; thresholds [{FormatThresholds(calibration.Thresholds)}]");
        }

        return new QuickStartResult(rows, test, SyntheticData.FourClassNames);
    }

    /// <summary>The result table as printed: model, thresholds, accuracy, exit shares, and per class the share leaving at each exit.</summary>
    public static string Table(QuickStartResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"model",-8} {"thresholds",-13} {"acc",7}  {"exit share E1/E2/E3",-20}  per class: share leaving at E1 / E2 / E3");
        foreach (var row in result.Models)
        {
            var sim = row.Simulation;
            string shares = string.Join(" / ", sim.ExitRates.Select(Percent));
            string perClass = string.Join("  ", Enumerable.Range(0, result.ClassNames.Count).Select(k => $"{result.ClassNames[k]} " + string.Join("/", sim.ClassExitRates[k].Select(Percent))));
            sb.AppendLine(CultureInfo.InvariantCulture, $"{row.Label,-8} {FormatThresholds(row.Thresholds),-13} {sim.Accuracy * 100,5:F1} %  {shares,-20}  {perClass}");
        }

        sb.AppendLine("(entropy thresholds of exits 1 and 2, in nats; 0 turns an exit off)");
        return sb.ToString();
    }

    /// <summary>
    /// The closing sentences, generated from the same numbers as the table: for each model and early exit, which
    /// classes leave there and what share of each, and what is left for the final exit.
    /// </summary>
    public static IReadOnlyList<string> Summary(QuickStartResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = new List<string>();
        foreach (var row in result.Models)
        {
            var sim = row.Simulation;
            var parts = new List<string>();
            for (int m = 0; m < sim.ExitCount - 1; m++)
            {
                var leaving = Enumerable.Range(0, result.ClassNames.Count).Where(k => sim.ClassExitRates[k][m] > 0).ToList();
                parts.Add(leaving.Count == 0
                    ? $"nothing leaves at exit {m + 1}"
                    : $"exit {m + 1} lets out " + string.Join(", ", leaving.Select(k => $"{Percent(sim.ClassExitRates[k][m])} of {result.ClassNames[k]}")));
            }

            lines.Add($"{row.Label}: {string.Join("; ", parts)}; the rest ({Percent(sim.ExitRates[^1])} of all points) reach exit {sim.ExitCount}.");
        }

        return lines;
    }

    /// <summary>The figure: where Algorithm 1 sends every point of the plane, per model and exit, with each model's thresholds.</summary>
    public static ReportFigure Figure(QuickStartResult result, int pointsShown = 150)
    {
        ArgumentNullException.ThrowIfNull(result);
        var points = Enumerable.Range(0, Math.Min(pointsShown, result.Test.Count)).Select(i => (result.Test.Features[2 * i], result.Test.Features[(2 * i) + 1], result.Test.Labels[i])).ToList();
        return DecisionRegionFigure.Render(
            result.Models.Select(m => new DecisionRegionRow(m.Label, m.Network, m.Sets, m.Thresholds)).ToList(),
            result.ClassNames,
            points: points,
            title: "Where each point leaves: Algorithm 1 with the calibrated thresholds");
    }

    /// <summary>A share as the table and the sentences print it: a whole percent, "&lt;1 %" for a share above 0 that rounds to 0.</summary>
    public static string Percent(double fraction) =>
        double.IsNaN(fraction) ? "-" : fraction > 0 && Rounded(fraction) == 0 ? "<1 %" : Rounded(fraction).ToString(CultureInfo.InvariantCulture) + " %";

    /// <summary>Thresholds as printed: three significant digits, as in the figure's panel titles.</summary>
    public static string FormatThresholds(IEnumerable<float> thresholds) => string.Join(", ", thresholds.Select(DecisionRegionFigure.FormatThreshold));

    private static int Rounded(double fraction) => (int)Math.Round(fraction * 100, MidpointRounding.AwayFromZero);
}
