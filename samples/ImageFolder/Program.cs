// Your own images: a folder with one sub-folder per class, through ML.NET's own image transforms into ClassyNet.
//   dotnet run --project samples/ImageFolder -c Release                          writes a small synthetic colour set (no download)
//   dotnet run --project samples/ImageFolder -c Release -- --from-fashion-mnist  writes Fashion-MNIST images as PNG (needs dataset-fashion-mnist)
//   dotnet run --project samples/ImageFolder -c Release -- path/to/images        your own: root/<class>/<image>, or root/train/<class>/... and root/test/<class>/...
// Options: --image-size N (default 16; 28 with --from-fashion-mnist), --grayscale, --priority "cat;dog" (classes
// prioritised at exits 1 and 2; default the first two), --epochs N (default 3), --per-class N (images written per class),
// --out DIR (where data is written; default a new folder under the system's temp folder).
using System.Globalization;
using ClassyNet.MLNet;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Transformers;
using ClassyNet.Samples.ImageFolder;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

var options = ParseArgs(args);
bool fromFashionMnist = options.ContainsKey("from-fashion-mnist");
int perClass = int.Parse(options.GetValueOrDefault("per-class") ?? (fromFashionMnist ? "100" : "40"), CultureInfo.InvariantCulture);
int imageSize = int.Parse(options.GetValueOrDefault("image-size") ?? (fromFashionMnist ? "28" : "16"), CultureInfo.InvariantCulture);
int epochs = int.Parse(options.GetValueOrDefault("epochs") ?? "3", CultureInfo.InvariantCulture);
bool grayscale = options.ContainsKey("grayscale") || fromFashionMnist;
string? folder = options.GetValueOrDefault(string.Empty);
if (folder is null)
{
    // No folder given: write one (train/ and test/, one sub-folder per class) so the sample runs from a fresh clone.
    folder = options.GetValueOrDefault("out") ?? Directory.CreateTempSubdirectory("classynet-imagefolder-").FullName;
    if (fromFashionMnist)
    {
        string source = FashionMnist.DefaultDirectory;
        if (!FashionMnist.IsAvailable(source))
        {
            Console.Error.WriteLine($"Fashion-MNIST is not in '{source}': install it with 'apt-get install dataset-fashion-mnist', or run without --from-fashion-mnist for the synthetic colour set.");
            return 1;
        }

        int written = ImageFolderWriter.WriteDataset(Path.Combine(folder, "train"), FashionMnist.Load(source, FashionMnistSplit.Train), FashionMnist.ClassNames, perClass);
        written += ImageFolderWriter.WriteDataset(Path.Combine(folder, "test"), FashionMnist.Load(source, FashionMnistSplit.Test), FashionMnist.ClassNames, Math.Max(1, perClass / 4));
        Console.WriteLine($"Wrote {written} Fashion-MNIST images as PNG files to {folder}");
    }
    else
    {
        ImageFolderWriter.WriteColours(Path.Combine(folder, "train"), perClass, seed: 1);
        ImageFolderWriter.WriteColours(Path.Combine(folder, "test"), Math.Max(1, perClass / 4), seed: 2);
        Console.WriteLine($"Wrote a synthetic colour set ({string.Join(", ", ImageFolderWriter.ColourClasses)}; sizes 12-24 px, PNG and JPEG) to {folder}");
    }
}

var ml = new MLContext(seed: 1);
IDataView train, test;
IReadOnlyList<string> classes;
if (Directory.Exists(Path.Combine(folder, "train")) && Directory.Exists(Path.Combine(folder, "test")))
{
    var trainFolder = ml.Data.LoadImageFolder(Path.Combine(folder, "train"));
    Report("train", trainFolder);
    var testFolder = ml.Data.LoadImageFolder(Path.Combine(folder, "test"));
    Report("test", testFolder);
    (train, test, classes) = (trainFolder, testFolder, trainFolder.ClassNames);
}
else
{
    var all = ml.Data.LoadImageFolder(folder);
    Report("all", all);
    var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);
    (train, test, classes) = (split.TrainSet, split.TestSet, all.ClassNames);
}

if (classes.Count < 2)
{
    Console.Error.WriteLine($"'{folder}' has {classes.Count} class; ClassyNet needs at least two class folders.");
    return 1;
}

// Priority classes by name: exit 1 answers for the first, exit 2 for both (IC scheme); the final exit for every class.
string[] priority = options.GetValueOrDefault("priority")?.Split(';', StringSplitOptions.TrimEntries) ?? [.. classes.Take(2)];
var exitClasses = ExitClassSets.Incremental([.. priority.Select(p => new[] { p })], classes);

// The label mapping is fitted on its own (as in ML.NET's image-classification samples), so the scoring model below
// needs nothing but ImagePath: a PredictionEngine scores a file by its path.
var labels = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
IEstimator<ITransformer> images = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "ImagePath")
    .Append(ml.Transforms.ResizeImages("Image", imageWidth: imageSize, imageHeight: imageSize));
if (grayscale)
{
    images = images.Append(ml.Transforms.ConvertToGrayscale("Image"));
}

var trainer = ml.MulticlassClassification.Trainers.ClassyNet(new ClassyNetTrainer.Options
{
    Architecture = NetworkSpec.ResNet(8, exitsAfterLayer: [3, 5, 8]), // sized from Features [C, H, W] and the classes
    ExitClasses = exitClasses,
    ExitLossWeights = [0.4f, 0.3f, 0.3f],
    Epochs = epochs,
    BatchSize = 32,
    ValidationFraction = 0.2f,                                            // held out of training ...
    CalibrateThresholds = new ThresholdCalibrationOptions { MaxAccuracyDrop = 0.05 }, // ... to choose the exit thresholds
});
var pipeline = images
    .Append(ml.Transforms.ExtractPixels("Features", "Image", colorsToExtract: grayscale ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb, scaleImage: 1f / 255))
    .Append(trainer)
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

Console.WriteLine($"Training ResNet-8 (3 exits) on {train.GetRowCount()} images (a fifth held out), {imageSize}x{imageSize} {(grayscale ? "grey" : "RGB")}; {exitClasses}");
var keyedTrain = labels.Transform(train);
var model = pipeline.Fit(keyedTrain);
foreach (var epoch in trainer.LastTrainingResult!.Epochs)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  epoch {epoch.Epoch}: loss {epoch.Loss:F3}, {epoch.SamplesPerSecond:F0} images/s"));
}

var thresholds = ((IEnumerable<ITransformer>)model).OfType<EarlyExitScoringTransformer>().Single().Model.Thresholds;
Console.WriteLine($"Entropy thresholds calibrated on the held-out images (accuracy within 5 points of the final exit's): [{string.Join(", ", thresholds.Select(t => t.ToString("G3", CultureInfo.InvariantCulture)))}]");

var scored = model.Transform(labels.Transform(test));
var metrics = ml.MulticlassClassification.Evaluate(scored);
var exits = ml.MulticlassClassification.EvaluateExits(scored);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test: {test.GetRowCount()} images, accuracy {100 * metrics.MicroAccuracy:F1}%, average MACs {exits.AverageMacs / 1e6:F2} M per image ({exits.Speedup:F2}x fewer than the full network)"));
for (int k = 0; k < exits.ClassNames.Count; k++)
{
    var shares = Enumerable.Range(0, exits.ExitCount).Select(e => string.Create(CultureInfo.InvariantCulture, $"exit {e + 1} {100 * exits.Evaluation.ExitRate(k, e),3:F0}%"));
    Console.WriteLine($"  {exits.ClassNames[k],-14} {string.Join(", ", shares)}");
}

// Save, load and score single files by path, as an application would.
string modelPath = Path.Combine(folder, "model.zip");
ml.Model.SaveClassyNet(model, keyedTrain.Schema, modelPath);
var loaded = ml.Model.LoadClassyNet(modelPath, out _);
using var engine = ml.Model.CreatePredictionEngine<ImageInput, ImagePrediction>(loaded);
foreach (var row in ml.Data.CreateEnumerable<ImageFile>(test, reuseRowObject: false).GroupBy(r => r.Label).Select(g => g.First()))
{
    var prediction = engine.Predict(new ImageInput { ImagePath = row.ImagePath });
    Console.WriteLine($"{Path.GetFileName(row.ImagePath)} ({row.Label}): '{prediction.PredictedLabel}' at exit {prediction.ExitIndex + 1}");
}

Console.WriteLine($"Model: {modelPath}");
return 0;

static void Report(string part, ImageFolderDataView view)
{
    Console.WriteLine($"{part}: {view.GetRowCount()} images in {view.ClassNames.Count} classes ({string.Join(", ", view.ClassNames)}) under {view.Root}" +
        (view.SkippedPaths.Count > 0 ? $"; skipped {view.SkippedPaths.Count} non-image entries" : string.Empty) +
        (view.EmptyClassFolders.Count > 0 ? $"; empty class folders: {string.Join(", ", view.EmptyClassFolders)}" : string.Empty));
}

static Dictionary<string, string?> ParseArgs(string[] args)
{
    var result = new Dictionary<string, string?>();
    for (int i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            result[string.Empty] = args[i];
            continue;
        }

        bool flag = args[i] is "--grayscale" or "--from-fashion-mnist";
        bool hasValue = !flag && i + 1 < args.Length;
        result[args[i][2..]] = hasValue ? args[++i] : null;
    }

    return result;
}

/// <summary>The input of the scoring model: one image file.</summary>
public sealed class ImageInput
{
    public string ImagePath { get; set; } = string.Empty;
}

/// <summary>A row of an image folder: a file and its class.</summary>
public sealed class ImageFile
{
    public string ImagePath { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;
}

/// <summary>What the scoring model gives for one image.</summary>
public sealed class ImagePrediction
{
    public string PredictedLabel { get; set; } = string.Empty;

    public int ExitIndex { get; set; }

    public float Entropy { get; set; }

    public float[] Score { get; set; } = [];
}
