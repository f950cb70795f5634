// QuickStart: the paper's 2-D illustration (Section V-B3, Figs. 3-5) in a few seconds, with no download.
// Four classes in the plane, an MLP with three exits, trained three ways:
//   BN  - BranchyNet: every exit answers for every class;
//   MC  - Bag-of-Classes, mutually exclusive sets: S1 = {blue}, S2 = {green};
//   IC  - Bag-of-Classes, incremental sets:       S1 = {blue}, S2 = {blue, green}.
// Prints accuracy and where each class leaves the network, and writes quickstart.svg (decision regions per exit).
using System.Diagnostics;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Evaluation.Reports;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using TorchSharp;
using ClassyNet.MLNet.Training;

string output = args.Length > 0 ? args[0] : "quickstart.svg";
var watch = Stopwatch.StartNew();
var train = SyntheticData.FourClasses(4000, seed: 1);
var test = SyntheticData.FourClasses(2000, seed: 2, labelNoise: 0);
var names = SyntheticData.FourClassNames;
float[] thresholds = [0.3f, 0.3f];

var models = new (string Label, ExitClassSets Sets)[]
{
    ("BN", ExitClassSets.AllClasses(exitCount: 3, classCount: 4)),
    ("BoC-MC", ExitClassSets.MutuallyExclusive([[0], [1]], classCount: 4)),
    ("BoC-IC", ExitClassSets.Incremental([[0], [1]], classCount: 4)),
};

var rows = new List<(string, MultiExitNetwork, ExitClassSets)>();
Console.WriteLine($"Training on {train.Count} points, testing on {test.Count}; entropy thresholds [{string.Join(", ", thresholds)}].\n");
Console.WriteLine($"{"model",-8} {"acc",6}  {"exit share E1/E2/E3",-20}  per class: share leaving at E1 / E2 / E3");
foreach (var (label, sets) in models)
{
    var network = Architectures.Mlp(inputFeatures: 2, stageWidths: [16, 32, 64], classes: 4, exitOutputs: sets.OutputCounts(), layersPerStage: 2, generator: new torch.Generator(3));
    var trainer = new MultiExitTrainer(network, new MultiExitTrainerOptions
    {
        ExitClasses = sets,
        ExitLossWeights = [0.4f, 0.3f, 0.3f],
        ExitThresholds = thresholds,
        Epochs = 40,
        BatchSize = 64,
        LearningRate = 0.01,
        Seed = 1,
    });
    trainer.Fit(train);

    var predictor = new EarlyExitPredictor(network, sets, thresholds, inputShape: [2]);
    var result = predictor.PredictBatch(test.Features, test.Count);
    var predicted = result.PredictedClasses();
    var exits = result.ExitIndices();
    double accuracy = predicted.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
    var share = Enumerable.Range(0, 3).Select(m => exits.Count(e => e == m) / (double)test.Count).ToArray();
    var perClass = Enumerable.Range(0, 4).Select(k =>
    {
        var ofClass = exits.Where((_, i) => test.Labels[i] == k).ToArray();
        return $"{names[k]} " + string.Join("/", Enumerable.Range(0, 3).Select(m => $"{ofClass.Count(e => e == m) / (double)ofClass.Length:P0}"));
    });
    Console.WriteLine($"{label,-8} {accuracy,6:P1}  {string.Join(" / ", share.Select(s => $"{s:P0}")),-20}  {string.Join("  ", perClass)}");
    rows.Add((label, network, sets));
}

var points = Enumerable.Range(0, 150).Select(i => (test.Features[2 * i], test.Features[(2 * i) + 1], test.Labels[i])).ToList();
DecisionRegionFigure.Render(rows, names, points: points, title: "Per-exit decision regions: BranchyNet vs ClassyNet BoC (grey = bag)").Save(output);
Console.WriteLine($"\nWrote {Path.GetFullPath(output)} in {watch.Elapsed.TotalSeconds:F1} s.");
Console.WriteLine("Under BoC the first exit answers only for blue (MC, IC) and the second only for green (MC) or blue+green (IC); everything else is sent on.");
