using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Tests.Pipeline;
using ClassyNet.Samples.ImageFolder;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Images;

/// <summary>
/// <c>mlContext.Data.LoadImageFolder</c> on real PNG and JPEG files: one class per sub-folder, rows in a fixed order,
/// non-image entries skipped and listed, files that only look like images named, empty and single class folders.
/// </summary>
[TestClass]
public sealed class ImageFolderLoaderTests
{
    [TestMethod]
    public void ClassFoldersBecomeTextLabelsInOrderAndMapValueToKeyKeepsTheirNames()
    {
        using var dir = new TempDirectory();
        ImageFolderWriter.WriteColours(dir.Path, perClass: 3, seed: 1);
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadImageFolder(dir.Path);

        CollectionAssert.AreEqual(new[] { "blue", "green", "red", "yellow" }, view.ClassNames.ToArray());
        Assert.AreEqual(12L, view.GetRowCount());
        Assert.IsTrue(view.CanShuffle);
        Assert.AreEqual(TextDataViewType.Instance, view.Schema[ImageFolderDataView.ImagePathColumnName].Type);
        Assert.AreEqual(TextDataViewType.Instance, view.Schema[ImageFolderDataView.LabelColumnName].Type);
        var rows = ColumnValues.Read(view, "ImagePath", "Label");
        var expected = ImageFolderWriter.ColourClasses.SelectMany(c => Enumerable.Range(0, 3).Select(n => (Path.Combine(dir.Path, c, $"{c}-{n:D3}.png"), c))).ToArray();
        CollectionAssert.AreEqual(expected.Select(e => e.Item1).ToArray(), rows.Select(r => (string)r[0]).ToArray(), "full paths, class by class, files in ordinal order");
        CollectionAssert.AreEqual(expected.Select(e => e.c).ToArray(), rows.Select(r => (string)r[1]).ToArray());

        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        keyed.Schema["Label"].GetKeyValues(ref keyValues);
        CollectionAssert.AreEqual(view.ClassNames.ToArray(), keyValues.DenseValues().Select(v => v.ToString()).ToArray(), "key k is ClassNames[k - 1]");
    }

    [TestMethod]
    public void NonImageEntriesAreSkippedAndListedAndEmptyClassFoldersReported()
    {
        using var dir = new TempDirectory();
        ImageFolderWriter.WriteColours(dir.Path, perClass: 2, seed: 1);
        File.WriteAllText(dir.File("README.txt"), "a file in the root belongs to no class");
        File.WriteAllText(Path.Combine(dir.Path, "red", "notes.txt"), "not an image");
        File.WriteAllBytes(Path.Combine(dir.Path, "red", ".DS_Store"), [0, 0, 0, 1]);
        File.WriteAllBytes(Path.Combine(dir.Path, "red", "._red-000.png"), [0, 5, 22, 7]); // macOS AppleDouble: hidden, skipped
        Directory.CreateDirectory(Path.Combine(dir.Path, "red", "more"));
        Directory.CreateDirectory(Path.Combine(dir.Path, ".cache"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "empty"));
        File.WriteAllText(Path.Combine(dir.Path, "empty", "list.csv"), "no images here");

        var view = new MLContext(seed: 1).Data.LoadImageFolder(dir.Path);

        CollectionAssert.AreEqual(new[] { "blue", "green", "red", "yellow" }, view.ClassNames.ToArray(), "a folder without images is no class");
        CollectionAssert.AreEqual(new[] { "empty" }, view.EmptyClassFolders.ToArray());
        CollectionAssert.AreEquivalent(
            new[] { "README.txt", ".cache", "red/notes.txt", "red/.DS_Store", "red/._red-000.png", "red/more", "empty/list.csv" }.Select(p => Path.Combine(dir.Path, p)).ToArray(),
            view.SkippedPaths.ToArray());
        Assert.AreEqual(8L, view.GetRowCount(), "only the images count");
    }

    [TestMethod]
    public void AFileThatOnlyLooksLikeAnImageIsNamedBeforeAnythingIsRead()
    {
        using var dir = new TempDirectory();
        ImageFolderWriter.WriteColours(dir.Path, perClass: 2, seed: 1);
        string empty = Path.Combine(dir.Path, "green", "broken.png");
        File.WriteAllBytes(empty, []);
        var ml = new MLContext(seed: 1);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.LoadImageFolder(dir.Path));
        StringAssert.Contains(error.Message, $"Image file '{empty}' is not a PNG, JPEG, GIF, BMP or WebP image (it is empty)");

        File.Delete(empty);
        string page = Path.Combine(dir.Path, "yellow", "download.jpg");
        File.WriteAllText(page, "<html>not found</html>");
        error = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.LoadImageFolder(dir.Path));
        StringAssert.Contains(error.Message, $"Image file '{page}' is not a PNG, JPEG, GIF, BMP or WebP image (it starts with bytes 3C68746D6C3E");

        // A real PNG under a .jpg name is an image: the decoder reads the content, not the name.
        File.Copy(Path.Combine(dir.Path, "blue", "blue-000.png"), page, overwrite: true);
        Assert.AreEqual(9L, ml.Data.LoadImageFolder(dir.Path).GetRowCount());
    }

    [TestMethod]
    public void MissingRootsAndFoldersWithoutClassImagesSayWhatTheLayoutIs()
    {
        using var dir = new TempDirectory();
        var ml = new MLContext(seed: 1);
        string missing = dir.File("nowhere");
        StringAssert.Contains(Assert.ThrowsExactly<DirectoryNotFoundException>(() => ml.Data.LoadImageFolder(missing)).Message, $"Image folder '{missing}' does not exist");

        // A root holding train/ and test/ (each with class folders) is one level too high.
        ImageFolderWriter.WriteColours(Path.Combine(dir.Path, "train"), perClass: 1, seed: 1);
        ImageFolderWriter.WriteColours(Path.Combine(dir.Path, "test"), perClass: 1, seed: 2);
        var nested = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.LoadImageFolder(dir.Path));
        StringAssert.Contains(nested.Message, $"Image folder '{dir.Path}' holds no images");
        StringAssert.Contains(nested.Message, $"pass one of them as the root, e.g. '{Path.Combine(dir.Path, "test")}'");

        string flat = Directory.CreateDirectory(dir.File("flat")).FullName;
        File.Copy(Path.Combine(dir.Path, "train", "red", "red-000.png"), Path.Combine(flat, "a.png"));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.LoadImageFolder(flat)).Message, "It has 1 file(s) directly in it; files must sit in a class folder.");
    }

    [TestMethod]
    public void AOneClassFolderLoadsButTrainingAsksForASecondClass()
    {
        using var dir = new TempDirectory();
        ImageFolderWriter.WriteColours(dir.Path, perClass: 2, seed: 1);
        foreach (var colour in new[] { "blue", "green", "yellow" })
        {
            Directory.Delete(Path.Combine(dir.Path, colour), recursive: true);
        }

        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadImageFolder(dir.Path);
        CollectionAssert.AreEqual(new[] { "red" }, view.ClassNames.ToArray());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
        var features = ml.Transforms.LoadImages("Image", null, "ImagePath")
            .Append(ml.Transforms.ResizeImages("Image", 8, 8))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", scaleImage: 1f / 255));
        var trainer = ml.MulticlassClassification.Trainers.BranchyNet(architecture: ClassyNet.MLNet.Networks.NetworkSpec.Mlp(widths: [4, 4]), epochs: 1);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => features.Append(trainer).Fit(keyed));
        StringAssert.Contains(error.Message, "label column 'Label'");
        StringAssert.Contains(error.Message, "The label has a single class; a classifier needs at least two (an image folder needs a sub-folder per class).");
    }
}
