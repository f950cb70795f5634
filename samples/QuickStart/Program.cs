// QuickStart: the paper's 2-D illustration (Section V-B3, Figs. 3-5) with no download. Four classes in the plane, an MLP
// with three exits, trained three ways:
//   BN  - BranchyNet: every exit answers for every class;
//   MC  - Bag-of-Classes, mutually exclusive sets: S1 = {blue}, S2 = {green};
//   IC  - Bag-of-Classes, incremental sets:       S1 = {blue}, S2 = {blue, green}.
// Each model's entropy thresholds are chosen on a validation split (ThresholdCalibrator). Prints accuracy and where each
// class leaves the network, and writes quickstart.png (where Algorithm 1 sends every point, exit by exit); an argument
// names another file (.png or .svg).
using System.Diagnostics;
using ClassyNet.QuickStart;

// A 2-D MLP with batches of 64 gains nothing from more libtorch threads, and one thread keeps the run short when the
// machine is busy.
TorchSharp.torch.set_num_threads(1);
string output = args.Length > 0 ? args[0] : "quickstart.png";
var watch = Stopwatch.StartNew();
var result = QuickStartDemo.Run(new QuickStartSettings(), Console.Out);
Console.WriteLine();
Console.Write(QuickStartDemo.Table(result));
using (var figure = QuickStartDemo.Figure(result))
{
    figure.Save(output);
}

Console.WriteLine();
foreach (string line in QuickStartDemo.Summary(result))
{
    Console.WriteLine(line);
}

Console.WriteLine($"\nWrote {Path.GetFullPath(output)} in {watch.Elapsed.TotalSeconds:F1} s.");
