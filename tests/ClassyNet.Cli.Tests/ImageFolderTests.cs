using System.Text.Json;
using ClassyNet.MLNet.Evaluation;
using ClassyNet.MLNet.Inference;
using ClassyNet.Samples.ImageFolder;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>
/// <c>--dataset folder:ROOT</c>: the user's own images (PNG and JPEG of mixed sizes, one sub-folder per class) through
/// train, evaluate, calibrate and report, with the image size and channel options, and the errors a user meets.
/// </summary>
[TestClass]
public sealed class ImageFolderTests
{
    [TestMethod]
    public void TrainEvaluateCalibrateReportOnTrainAndTestFolders()
    {
        using var dir = new TempDirectory();
        ImageFolderWriter.WriteColours(dir.File("train"), perClass: 16, seed: 1, minSize: 6, maxSize: 12);
        ImageFolderWriter.WriteColours(dir.File("test"), perClass: 4, seed: 2, minSize: 6, maxSize: 12);
        File.WriteAllText(Path.Combine(dir.Path, "train", "red", "notes.txt"), "not an image");
        Directory.CreateDirectory(Path.Combine(dir.Path, "train", "empty"));
        string dataset = "folder:" + dir.Path, model = dir.File("m.zip");

        var train = CliRun.Invoke("train", "--dataset", dataset, "--image-size", "8", "--arch", "r8", "--exit-classes", "red;blue", "--epochs", "1", "--out", model);
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        StringAssert.Contains(train.Output, $"Loading {dataset} (train split) ...");
        StringAssert.Contains(train.Output, "64 samples of shape [3, 8, 8], 4 classes; resnet-8 exits after layers [3, 5, 8] on [3, 8, 8], 4 classes");
        StringAssert.Contains(train.Output, "epoch 1/1: 100%");
        StringAssert.Contains(train.Error, $"warning: {dataset}: skipped 1 entries that are not images of a class (e.g. '{Path.Combine("red", "notes.txt")}'); class folders without images: empty.");
        var trained = ClassyNetModel.Load(model);
        CollectionAssert.AreEqual(new[] { "blue", "green", "red", "yellow" }, trained.ClassNames!.ToArray());
        CollectionAssert.AreEqual(new[] { 2 }, trained.ExitClasses.ClassesAt(0).ToArray(), "--exit-classes by name: red is class 2");
        CollectionAssert.AreEqual(new[] { 2, 0 }, trained.ExitClasses.ClassesAt(1).ToArray());
        Assert.AreEqual("3,8,8", trained.Metadata["sampleShape"]);
        Assert.AreEqual(dataset, trained.Metadata["dataset"]);

        // evaluate reads the test folder at the model's size; its figures are the library's on the same images.
        var evaluate = CliRun.Invoke("evaluate", model, "--dataset", dataset, "--json", dir.File("e.json"));
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.ToString());
        StringAssert.Contains(evaluate.Output, $"Data: {dataset} test split, 16 samples");
        StringAssert.Contains(evaluate.Output, "2 red");
        var (test, names) = ImageFolderDataset.Load(dir.Path, null, "test", null, trained.ClassNames, [3, 8, 8], null);
        CollectionAssert.AreEqual(trained.ClassNames!.ToArray(), names.ToArray());
        Assert.IsTrue(test.Features.All(v => v is >= 0 and <= 1), "pixels / 255");
        var expected = EarlyExitEvaluation.Compute(test.Labels, trained.Predict(test, 256, trained.CreatePredictor()), trained.ClassCount);
        using (var json = JsonDocument.Parse(File.ReadAllText(dir.File("e.json"))))
        {
            Assert.AreEqual(expected.Accuracy, json.RootElement.GetProperty("accuracy").GetDouble(), 1e-12);
            CollectionAssert.AreEqual(new[] { "blue", "green", "red", "yellow" }, json.RootElement.GetProperty("classNames").EnumerateArray().Select(e => e.GetString()).ToArray());
        }

        var calibrate = CliRun.Invoke("calibrate", model, "--dataset", dataset, "--max-accuracy-drop", "0.05");
        Assert.AreEqual(0, calibrate.ExitCode, calibrate.ToString());
        StringAssert.Contains(calibrate.Output, $"{dataset} validation split");

        var report = CliRun.Invoke("report", "--models", model, "--dataset", dataset, "--mix-size", "10", "--repeats", "5", "--out", dir.File("report"));
        Assert.AreEqual(0, report.ExitCode, report.ToString());
        StringAssert.Contains(File.ReadAllText(Path.Combine(dir.File("report"), "report.md")), $"Data: {dataset} test split, 16 samples");
    }

    [TestMethod]
    public void GreyImagesForAnMlpAndALimitThatSamplesEveryClass()
    {
        using var dir = new TempDirectory();
        ImageFolderWriter.WriteColours(dir.Path, perClass: 10, seed: 3, minSize: 6, maxSize: 10);
        string dataset = "folder:" + dir.Path, model = dir.File("m.zip");
        var train = CliRun.Invoke("train", "--dataset", dataset, "--channels", "1", "--image-size", "6", "--arch", "mlp", "--widths", "8,8,8", "--train-limit", "20", "--epochs", "1", "--out", model);
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        StringAssert.Contains(train.Output, "20 samples of shape [1, 6, 6], 4 classes; mlp widths [8, 8, 8] on [36]");
        Assert.AreEqual("1,6,6", ClassyNetModel.Load(model).Metadata["sampleShape"]);

        // The first N images of a fixed shuffle: every class, and the same ones each time.
        var (first, _) = ImageFolderDataset.Load(dir.Path, null, "train", 20, null, [1, 6, 6], null);
        var (again, _) = ImageFolderDataset.Load(dir.Path, null, "train", 20, null, [1, 6, 6], null);
        Assert.AreEqual(4, first.Labels.Distinct().Count());
        CollectionAssert.AreEqual(first.Labels, again.Labels);
        CollectionAssert.AreEqual(first.Features, again.Features);

        // No train/ and test/ folders: every split reads the root; the flat model gets its image shape from the metadata.
        var evaluate = CliRun.Invoke("evaluate", model, "--dataset", dataset);
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.ToString());
        StringAssert.Contains(evaluate.Output, $"Data: {dataset} test split, 40 samples");
    }

    [TestMethod]
    public void FolderErrorsSayWhatToDo()
    {
        using var dir = new TempDirectory();
        ImageFolderWriter.WriteColours(dir.File("colours"), perClass: 3, seed: 1, minSize: 6, maxSize: 8);
        string colours = dir.File("colours"), model = dir.File("m.zip");
        ErrorTests.AssertUserError(CliRun.Invoke("train", "--dataset", "folder:" + dir.File("none"), "--out", model), $"Image folder '{dir.File("none")}' does not exist", "ROOT/<class>/<image>.png");
        ErrorTests.AssertUserError(CliRun.Invoke("train", "--dataset", "folder", "--out", model), "--dataset folder needs its root folder: --dataset folder:path/to/images");
        ErrorTests.AssertUserError(CliRun.Invoke("train", "--dataset", "folder:" + colours, "--data", colours, "--out", model), "drop --data");
        TinyData.Write(dir.File("d.csv"), 20, seed: 1);
        ErrorTests.AssertUserError(CliRun.Invoke("train", "--dataset", "csv", "--data", dir.File("d.csv"), "--image-size", "8", "--out", model), "--image-size and --channels apply to --dataset folder:ROOT only");
        ErrorTests.AssertUserError(CliRun.Invoke("train", "--dataset", "folder:" + colours, "--channels", "2", "--out", model), "--channels must be 1 (grey) or 3 (RGB); got 2");
        ErrorTests.AssertUserError(CliRun.Invoke("train", "--dataset", "folder:" + colours, "--image-size", "6", "--exit-classes", "Red;blue", "--out", model),
            "--exit-classes \"Red;blue\": 'Red' is not a class index or a class name of the data; its classes are 'blue', 'green', 'red', 'yellow'. Did you mean 'red'?");

        string broken = Path.Combine(colours, "green", "broken.png");
        File.WriteAllText(broken, "not a png");
        ErrorTests.AssertUserError(CliRun.Invoke("train", "--dataset", "folder:" + colours, "--out", model), $"Image file '{broken}' is not a PNG, JPEG, GIF, BMP or WebP image");
        File.Delete(broken);

        string single = Directory.CreateDirectory(dir.File("single")).FullName;
        Directory.Move(Path.Combine(colours, "red"), Path.Combine(single, "red"));
        ErrorTests.AssertUserError(CliRun.Invoke("train", "--dataset", "folder:" + single, "--out", model), $"Image folder '{single}' has a single class folder ('red'); training needs at least two");

        // A model trained without 'red' cannot evaluate a folder that has it.
        var train = CliRun.Invoke("train", "--dataset", "folder:" + colours, "--image-size", "6", "--arch", "mlp", "--widths", "4,4,4", "--exit-classes", "blue;green", "--epochs", "1", "--out", model);
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        Directory.Move(Path.Combine(single, "red"), Path.Combine(colours, "red"));
        ErrorTests.AssertUserError(CliRun.Invoke("evaluate", model, "--dataset", "folder:" + colours), "has class folder(s) 'red' that the model does not know; its classes are 'blue', 'green', 'yellow'");
    }
}
