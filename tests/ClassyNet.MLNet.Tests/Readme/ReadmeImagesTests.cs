using ClassyNet.Samples.ImageFolder;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Readme;

/// <summary>
/// The README's "Your own images" C# block, compiled as written and run in a folder holding <c>photos/train</c>,
/// <c>photos/test</c> (cat, dog and bird: synthetic colour images of mixed sizes, PNG and JPEG) and <c>photos/new.jpg</c>.
/// </summary>
[TestClass]
public sealed class ReadmeImagesTests
{
    private const string Section = "## Your own images";

    [TestMethod]
    public void ReadmeImagePipelineCompilesAndRunsAsWritten()
    {
        string code = ReadmePipelineTests.CodeBlock(File.ReadAllText(Path.Combine(ReadmePipelineTests.RepositoryRoot(), "README.md")), Section);
        StringAssert.Contains(code, "LoadImageFolder", "the section's first C# block is the image pipeline");

        using var dir = new TempDirectory();
        foreach (var (split, perClass, seed) in new[] { ("train", 10, 1), ("test", 3, 2) })
        {
            string folder = Path.Combine(dir.Path, "photos", split);
            ImageFolderWriter.WriteColours(folder, perClass, seed, minSize: 10, maxSize: 20);
            foreach (var (colour, animal) in new[] { ("blue", "cat"), ("green", "dog"), ("red", "bird") })
            {
                Directory.Move(Path.Combine(folder, colour), Path.Combine(folder, animal));
            }

            Directory.Delete(Path.Combine(folder, "yellow"), recursive: true);
        }

        File.Copy(Path.Combine(dir.Path, "photos", "train", "cat", "blue-004.jpg"), Path.Combine(dir.Path, "photos", "new.jpg"));
        File.WriteAllText(Path.Combine(dir.Path, "photos", "train", "cat", "README.txt"), "skipped");

        string printed = ReadmePipelineTests.CompileAndRun(code, dir.Path);
        StringAssert.Contains(printed, "classes bird, cat, dog; skipped 1 files that are not images");
        StringAssert.Contains(printed, "accuracy ");
        StringAssert.Matches(printed, new System.Text.RegularExpressions.Regex("photos/new.jpg: (bird|cat|dog) at exit [123]"));
        Assert.IsTrue(File.Exists(Path.Combine(dir.Path, "photos.zip")));
    }
}
