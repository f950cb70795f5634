using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tests.Pipeline;
using ClassyNet.MLNet.Transformers;
using ClassyNet.Samples.ImageFolder;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Images;

/// <summary>
/// The whole chain on a synthetic colour set written as PNG and JPEG files of mixed sizes (no dataset needed):
/// LoadImageFolder, MapValueToKey, ML.NET's LoadImages, ResizeImages and ExtractPixels, ClassyNet sized from the
/// pixels' [C, H, W] with priority classes by name, MapKeyToValue; then the model file and a PredictionEngine that
/// scores one file by its path.
/// </summary>
[TestClass]
public sealed class ImagePipelineTests
{
    private static readonly string[] Outputs = ["PredictedLabel", "ExitIndex", "Score", "Entropy"];

    [TestMethod]
    public void FolderOfMixedSizeImagesTrainsScoresRoundTripsAndPredictsByPath()
    {
        using var dir = new TempDirectory();
        ImageFolderWriter.WriteColours(dir.File("train"), perClass: 20, seed: 1, minSize: 6, maxSize: 14);
        ImageFolderWriter.WriteColours(dir.File("test"), perClass: 5, seed: 2, minSize: 6, maxSize: 14);
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadImageFolder(dir.File("train"));
        var test = ml.Data.LoadImageFolder(dir.File("test"));
        var labels = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var trainer = ml.MulticlassClassification.Trainers.ClassyNet(new ClassyNetTrainer.Options
        {
            Architecture = NetworkSpec.Mlp(widths: [32, 32, 32]),
            ExitClasses = ExitClassSets.Incremental([["red"], ["blue"]], train.ClassNames),
            ExitThresholds = [0.5f, 0.5f],
            Epochs = 4,
            BatchSize = 4,
            LearningRate = 3e-3,
        });
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "ImagePath")
            .Append(ml.Transforms.ResizeImages("Image", imageWidth: 8, imageHeight: 8))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", scaleImage: 1f / 255))
            .Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var keyedTrain = labels.Transform(train);
        var model = pipeline.Fit(keyedTrain);

        // Sized from the pixels: ExtractPixels gives Vector<Single, 3, 8, 8> (192 values), and the label has four classes.
        var scorer = ((IEnumerable<ITransformer>)model).OfType<EarlyExitScoringTransformer>().Single();
        Assert.AreEqual("mlp widths [32, 32, 32] on [192], 4 classes", scorer.Model.Spec.ToString());
        CollectionAssert.AreEqual(new[] { "blue", "green", "red", "yellow" }, scorer.Model.ClassNames!.ToArray());
        CollectionAssert.AreEqual(new[] { 2 }, scorer.Model.ExitClasses.ClassesAt(0).ToArray(), "'red' is key 3, class index 2");
        CollectionAssert.AreEqual(new[] { 2, 0 }, scorer.Model.ExitClasses.ClassesAt(1).ToArray());

        var scored = model.Transform(labels.Transform(test));
        Assert.AreEqual(TextDataViewType.Instance, scored.Schema["PredictedLabel"].Type, "MapKeyToValue gives the class names back");
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsGreaterThan(0.75, metrics.MicroAccuracy, $"the colour of the square decides the class (0.9 to 1.0 measured for seeds 1 to 4); accuracy {metrics.MicroAccuracy:P1}");
        var rows = ColumnValues.Read(scored, ["ImagePath", .. Outputs]);
        CollectionAssert.IsSubsetOf(rows.Select(r => (string)r[1]).Distinct().ToArray(), train.ClassNames.ToArray());
        Assert.IsTrue(rows.All(r => (int)r[2] is >= 0 and < 3));

        // The model file holds ML.NET's image steps and ClassyNet's; a fresh context scores identically.
        string path = dir.File("model.zip");
        ml.Model.SaveClassyNet(model, keyedTrain.Schema, path);
        var loaded = new MLContext(seed: 5).Model.LoadClassyNet(path, out _);
        var again = loaded.Transform(labels.Transform(test));
        ColumnValues.AssertEqual(rows, ColumnValues.Read(again, ["ImagePath", .. Outputs]), ["ImagePath", .. Outputs], "saved and loaded image chain");

        // One file in, class name and exit out: the same as batched scoring for every test image.
        using var engine = ml.Model.CreatePredictionEngine<ImageInput, ImagePrediction>(loaded);
        foreach (var row in rows)
        {
            var prediction = engine.Predict(new ImageInput { ImagePath = (string)row[0] });
            Assert.AreEqual((string)row[1], prediction.PredictedLabel, $"{row[0]}: single-file prediction");
            Assert.AreEqual((int)row[2], prediction.ExitIndex, $"{row[0]}: single-file exit");
            CollectionAssert.AreEqual(((object[])row[3]).Cast<float>().ToArray(), prediction.Score, new FloatTolerance(1e-5f), $"{row[0]}: single-file scores");
        }
    }

    [TestMethod]
    public void GreyscaleImagesGiveOneChannelAndTheNetworkFollows()
    {
        using var dir = new TempDirectory();
        ImageFolderWriter.WriteColours(dir.Path, perClass: 4, seed: 3, minSize: 6, maxSize: 10);
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadImageFolder(dir.Path);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", null, "ImagePath"))
            .Append(ml.Transforms.ResizeImages("Image", 6, 6))
            .Append(ml.Transforms.ConvertToGrayscale("Image"))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", Microsoft.ML.Transforms.Image.ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1f / 255))
            .Append(ml.MulticlassClassification.Trainers.BranchyNet(architecture: NetworkSpec.ResNet(8, [3, 5, 8]), epochs: 1))
            .Fit(view);
        var scored = model.Transform(view);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1, 6, 6), scored.Schema["Features"].Type);
        var scorer = ((IEnumerable<ITransformer>)model).OfType<EarlyExitScoringTransformer>().Single();
        CollectionAssert.AreEqual(new[] { 1, 6, 6 }, scorer.Model.InputShape.ToArray());
        Assert.HasCount(16, ColumnValues.Read(scored, "PredictedLabel"));
    }

    /// <summary>The input of the scoring model: one image file.</summary>
    private sealed class ImageInput
    {
        public string ImagePath { get; set; } = string.Empty;
    }

    /// <summary>What the model gives for one image.</summary>
    private sealed class ImagePrediction
    {
        public string PredictedLabel { get; set; } = string.Empty;

        public int ExitIndex { get; set; }

        public float[] Score { get; set; } = [];
    }

    private sealed class FloatTolerance(float tolerance) : System.Collections.IComparer
    {
        public int Compare(object? x, object? y) => Math.Abs((float)x! - (float)y!) <= tolerance ? 0 : 1;
    }
}
