using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Images;

/// <summary>
/// samples/ImageFolder run in-process as a user runs it from a fresh clone: it writes its own synthetic colour set, trains
/// through ML.NET's image transforms, saves, loads and scores single files by path; then on a plain class folder of the
/// user's (no train/ and test/), which it splits itself.
/// </summary>
[TestClass]
public sealed class ImageFolderSampleTests
{
    [TestMethod]
    public void SampleRunsOnDataItWritesAndOnAPlainClassFolder()
    {
        using var dir = new TempDirectory();
        var (code, output) = RunSample("--out", dir.Path, "--per-class", "12", "--epochs", "1", "--image-size", "8");
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "train: 48 images in 4 classes (blue, green, red, yellow)");
        StringAssert.Contains(output, "test: 12 images in 4 classes");
        StringAssert.Contains(output, "Training ResNet-8 (3 exits) on 48 images (a fifth held out), 8x8 RGB; Incremental: E1 {blue} | E2 {blue, green} | E3 all");
        StringAssert.Contains(output, "Entropy thresholds calibrated on the held-out images");
        StringAssert.Contains(output, "Test: 12 images, accuracy");
        foreach (var colour in new[] { "blue", "green", "red", "yellow" })
        {
            StringAssert.Matches(output, new System.Text.RegularExpressions.Regex($"{colour}-000\\.png \\({colour}\\): '(blue|green|red|yellow)' at exit [123]"));
        }

        Assert.IsTrue(File.Exists(Path.Combine(dir.Path, "model.zip")));

        (code, output) = RunSample(Path.Combine(dir.Path, "train"), "--priority", "red;yellow", "--epochs", "1", "--image-size", "8", "--grayscale");
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "all: 48 images in 4 classes");
        StringAssert.Contains(output, "8x8 grey; Incremental: E1 {red} | E2 {red, yellow} | E3 all");
    }

    private static (int Code, string Output) RunSample(params string[] args)
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            var entry = typeof(ImageInput).Assembly.EntryPoint!;
            return ((int)entry.Invoke(null, [args])!, output.ToString());
        }
        finally
        {
            Console.SetOut(console);
        }
    }
}
