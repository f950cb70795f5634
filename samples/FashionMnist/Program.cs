// Fashion-MNIST experiment: Baseline, BranchyNet (BN), ClassyNet (CN) and CN+C on a multi-exit ResNet, IC scheme
// with one priority class per early exit (classes 9, 8, 6, 1, 7, 0 in the paper's order). Writes a Markdown report and
// the exit-distribution figure (PNG) next to it; the default goes to runs/ (ignored by git), never over docs/.
//   dotnet run --project samples/FashionMnist -c Release -- [--epochs 3] [--train-limit 60000] [--test-limit 10000]
//       [--depth 20] [--exits 7,13,20] [--out runs/fashion-mnist/results.md] [--data /usr/share/datasets/fashion-mnist]
//       [--models DIR]   (also saves each trained model as DIR/<mode>.zip, e.g. for `classynet report`, which also
//                         times the models against each other; this sample reports MACs only)
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Evaluation.Reports;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using TorchSharp;
using ClassyNet.MLNet.Training;

var options = Args(args);
int epochs = int.Parse(options.GetValueOrDefault("epochs", "3"), CultureInfo.InvariantCulture);
int trainLimit = int.Parse(options.GetValueOrDefault("train-limit", "60000"), CultureInfo.InvariantCulture);
int testLimit = int.Parse(options.GetValueOrDefault("test-limit", "10000"), CultureInfo.InvariantCulture);
int depth = int.Parse(options.GetValueOrDefault("depth", "20"), CultureInfo.InvariantCulture);
int[] exitLayers = options.GetValueOrDefault("exits", "7,13,20").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
string output = options.GetValueOrDefault("out", "runs/fashion-mnist/results.md");
string dataDir = options.GetValueOrDefault("data", FashionMnist.DefaultDirectory);
string? modelDir = options.GetValueOrDefault("models");

var train = FashionMnist.Load(dataDir, FashionMnistSplit.Train, trainLimit);
var test = FashionMnist.Load(dataDir, FashionMnistSplit.Test, testLimit);
int exits = exitLayers.Length;
int[][] priorities = PaperPresets.SevenExitPriorityClasses.Take(exits - 1).Select(c => new[] { c }).ToArray();
float[] weights = exits == 3 ? [.. PaperPresets.R20ThreeExitWeights] : exits == 7 ? [.. PaperPresets.ResNet110SevenExitWeights] : Enumerable.Repeat(1f / exits, exits).ToArray();
float[] thresholds = exits == 7 ? [.. PaperPresets.ResNet110SevenExitThresholds] : Enumerable.Range(0, exits - 1).Select(m => m < (exits - 1) / 2 + 1 ? 0.3f : 0.2f).ToArray();
Console.WriteLine($"Fashion-MNIST: {train.Count} train / {test.Count} test; ResNet-{depth} exits after layers [{string.Join(", ", exitLayers)}]; {epochs} epochs; priorities {string.Join(", ", priorities.Select(p => p[0]))}; weights [{string.Join(", ", weights)}]; thresholds [{string.Join(", ", thresholds)}]; threads {Environment.ProcessorCount}");

var results = new List<ModeResult>();
foreach (var mode in Enum.GetValues<ClassyNetMode>())
{
    var preset = ClassyNetPreset.Create(mode, 10, priorities, weights, thresholds);
    var spec = NetworkSpec.ResNet(depth, exitLayers, inChannels: 1, imageSize: 28, classes: 10, exitOutputs: preset.ExitClasses.OutputCounts());
    string? modelPath = modelDir is null ? null : Path.Combine(modelDir, Name(mode).ToLowerInvariant().Replace("+", "", StringComparison.Ordinal) + ".zip");
    ClassyNetModel model;
    double trainSeconds = double.NaN, finalLoss = double.NaN, samplesPerSecond = double.NaN;
    if (modelPath is not null && File.Exists(modelPath))
    {
        // An experiment that stopped part-way resumes here: models already trained and saved are reused, not retrained.
        model = ClassyNetModel.Load(modelPath);
        Console.WriteLine($"  {mode}: reusing {modelPath}");
    }
    else
    {
        using var generator = new torch.Generator(1);
        var net = spec.Build(generator);
        var trainer = new MultiExitTrainer(net, preset.Apply(new MultiExitTrainerOptions { Epochs = epochs, BatchSize = 64, Seed = 1 }));
        var watch = Stopwatch.StartNew();
        var history = trainer.Fit(train, new Progress<TrainingProgress>(p =>
        {
            if (p.Step % 100 == 0)
            {
                Console.WriteLine($"  {mode} epoch {p.Epoch}/{p.Epochs} {p.SamplesInEpoch}/{p.EpochSize} loss {p.Loss:F3} {p.SamplesPerSecond:F0} samples/s");
            }
        }));
        trainSeconds = watch.Elapsed.TotalSeconds;
        finalLoss = history.Epochs[^1].Loss;
        samplesPerSecond = history.Epochs.Average(e => e.SamplesPerSecond);
        model = new ClassyNetModel(spec, net, preset.ExitClasses, preset.ExitThresholds) { ClassNames = FashionMnist.ClassNames, Mode = Name(mode) };
        if (modelPath is not null)
        {
            Directory.CreateDirectory(modelDir!);
            model.Save(modelPath);
            Console.WriteLine($"  saved {modelPath}");
        }
    }

    // Batched early exit over the test set, 256 images per batch (one huge batch would hold every activation at once).
    var predictor = model.CreatePredictor();
    var run = model.Predict(test, predictor: predictor);

    var predicted = run.PredictedClasses();
    var exitOf = run.ExitIndices();
    double accuracy = predicted.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
    var perClass = new int[10, exits];
    for (int i = 0; i < test.Count; i++)
    {
        perClass[test.Labels[i], exitOf[i]]++;
    }

    var macsPerClass = Enumerable.Range(0, 10).Select(k => Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == k).Select(i => (double)run.Predictions[i].Macs).DefaultIfEmpty(0).Average()).ToArray();
    results.Add(new ModeResult(mode, accuracy, finalLoss, trainSeconds, samplesPerSecond, perClass, macsPerClass, run.AverageMacs, predictor.Accounting.Exits[^1].EarlyExitMacs));
    Console.WriteLine($"{mode}: accuracy {accuracy:P2}, avg MACs {run.AverageMacs / 1e6:F2} M, trained in {trainSeconds:F0} s");
}

string figure = Path.ChangeExtension(output, null) + "-exits.png";
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
using (var exitFigure = ExitDistributionFigure.Render(results.Select(r => (Name(r.Mode), r.PerClassExits)).ToList(), FashionMnist.ClassNames, $"Fashion-MNIST test images leaving at each exit (ResNet-{depth}, {exits} exits)"))
{
    exitFigure.Save(figure);
}

File.WriteAllText(output, Report(results, priorities, train.Count, test.Count, epochs, depth, exitLayers, weights, thresholds, string.Join(" ", args), Path.GetFileName(figure)));
Console.WriteLine($"Wrote {output} and {figure}");

static string Report(List<ModeResult> results, int[][] priorities, int trainCount, int testCount, int epochs, int depth, int[] layers, float[] weights, float[] thresholds, string args, string figure)
{
    var baseline = results.Single(r => r.Mode == ClassyNetMode.Baseline);
    var sb = new StringBuilder();
    int exits = layers.Length;
    sb.AppendLine("# Fashion-MNIST: Baseline, BranchyNet, ClassyNet and ClassyNet+C");
    sb.AppendLine();
    sb.AppendLine($"ResNet-{depth} with exits after conv layers [{string.Join(", ", layers)}], trained {epochs} epochs on {trainCount} training images (Adam, lr 0.001, batch 64), evaluated on {testCount} test images with batched early exit. IC scheme with one priority class per early exit: {string.Join(", ", priorities.Select((p, m) => $"exit {m + 1}: class {p[0]} ({FashionMnist.ClassNames[p[0]]})"))}; the last exit answers for all classes. Exit weights [{string.Join(", ", weights.Select(w => w.ToString(CultureInfo.InvariantCulture)))}], entropy thresholds [{string.Join(", ", thresholds.Select(t => t.ToString(CultureInfo.InvariantCulture)))}]; CN+C uses eq. 3 with c1=0.5, c2=1, c3=1.5, c4=2.");
    sb.AppendLine();
    sb.AppendLine($"Command: `dotnet run --project samples/FashionMnist -c Release -- {args}`".Replace("--  ", "-- ", StringComparison.Ordinal));
    sb.AppendLine();
    sb.AppendLine("## Accuracy and cost");
    sb.AppendLine();
    sb.AppendLine("| model | accuracy (early exit) | Δ vs baseline | avg MACs / image | final loss | training samples/s |");
    sb.AppendLine("|---|---|---|---|---|---|");
    foreach (var r in results)
    {
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {Name(r.Mode)} | {r.Accuracy:P2} | {(r.Accuracy - baseline.Accuracy) * 100:+0.00;-0.00} pt | {r.AverageMacs / 1e6:F2} M | {(double.IsNaN(r.FinalLoss) ? "(saved model)" : r.FinalLoss.ToString("F3", CultureInfo.InvariantCulture))} | {(double.IsNaN(r.SamplesPerSecond) ? "(saved model)" : r.SamplesPerSecond.ToString("F0", CultureInfo.InvariantCulture))} |");
    }

    sb.AppendLine();
    sb.AppendLine("## Priority-class speedup vs baseline (the paper's Table II)");
    sb.AppendLine();
    sb.AppendLine("Speedup = MACs of the baseline's full network / average MACs for the priority class's test images (every stage and head a sample ran through; exact counts from the layers' shapes). For measured times, save the models with --models DIR and run `classynet report`, which times the models against each other in interleaved rounds.");
    sb.AppendLine();
    sb.AppendLine("| priority class (exit) | " + string.Join(" | ", results.Select(r => $"{Name(r.Mode)} MAC speedup")) + " |");
    sb.AppendLine("|---|" + string.Concat(results.Select(_ => "---|")));
    for (int m = 0; m < exits - 1; m++)
    {
        int k = priorities[m][0];
        sb.Append(CultureInfo.InvariantCulture, $"| {k} {FashionMnist.ClassNames[k]} (exit {m + 1}) |");
        foreach (var r in results)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {baseline.FullMacs / r.MacsPerClass[k]:F2}x |");
        }

        sb.AppendLine();
    }

    sb.AppendLine();
    sb.AppendLine("## Where each class leaves the network (test images per exit)");
    sb.AppendLine();
    sb.AppendLine($"![exit distribution]({figure})");
    foreach (var r in results)
    {
        sb.AppendLine();
        sb.AppendLine($"### {Name(r.Mode)}");
        sb.AppendLine();
        sb.AppendLine("| class | " + string.Join(" | ", Enumerable.Range(1, exits).Select(e => $"exit {e}")) + " |");
        sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", exits)));
        for (int k = 0; k < 10; k++)
        {
            sb.AppendLine($"| {k} {FashionMnist.ClassNames[k]} | " + string.Join(" | ", Enumerable.Range(0, exits).Select(e => r.PerClassExits[k, e].ToString(CultureInfo.InvariantCulture))) + " |");
        }

        for (int e = 0; e < exits - 1; e++)
        {
            // Under IC exit e answers for every priority class up to its own (S_e = {p_1, ..., p_e}).
            var set = priorities.Take(e + 1).Select(p => p[0]).ToArray();
            int total = Enumerable.Range(0, 10).Sum(k => r.PerClassExits[k, e]);
            int own = set.Sum(k => r.PerClassExits[k, e]);
            sb.AppendLine();
            sb.Append(CultureInfo.InvariantCulture, $"Exit {e + 1} precision (share of its exits in its set {{{string.Join(", ", set)}}}): {(total == 0 ? "no exits" : $"{own}/{total} = {(double)own / total:P1}")}.");
        }

        sb.AppendLine();
    }

    return sb.ToString();
}

static string Name(ClassyNetMode mode) => mode switch
{
    ClassyNetMode.Baseline => "Baseline",
    ClassyNetMode.BranchyNet => "BN",
    ClassyNetMode.ClassyNet => "CN",
    _ => "CN+C",
};

static Dictionary<string, string> Args(string[] args)
{
    var result = new Dictionary<string, string>();
    for (int i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
        {
            throw new ArgumentException($"Unexpected argument '{args[i]}': use --name value pairs (see the header of samples/FashionMnist/Program.cs).");
        }

        result[args[i][2..]] = args[++i];
    }

    return result;
}

internal sealed record ModeResult(ClassyNetMode Mode, double Accuracy, double FinalLoss, double TrainSeconds, double SamplesPerSecond, int[,] PerClassExits, double[] MacsPerClass, double AverageMacs, long FullMacs);
