using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Notebooks;

/// <summary>
/// Runs every notebook in samples/notebooks cell by cell through the real .NET Interactive C# kernel, as a user opening
/// it would: the notebook is parsed as .ipynb, each C# cell (its <c>#r</c> lines included) is submitted in order in the
/// notebook's folder, and a cell that fails to compile or throws fails the test.
/// </summary>
[TestClass]
public sealed class NotebookTests
{
    public static IEnumerable<object[]> Notebooks() =>
        Directory.GetFiles(NotebookDirectory(), "*.ipynb").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    [DynamicData(nameof(Notebooks))]
    public async Task NotebookRunsCellByCellInTheCSharpKernel(string notebook)
    {
        string directory = NotebookDirectory();
        var document = Notebook.Parse(await File.ReadAllTextAsync(Path.Combine(directory, notebook)), new KernelInfoCollection { new("csharp", "C#", ["c#", "C#"]) });
        var cells = document.Elements.Where(e => e.KernelName is "csharp" or null && !string.IsNullOrWhiteSpace(e.Contents)).ToList();
        Assert.IsNotEmpty(cells, $"{notebook} has no C# cells");
        if (cells.Any(c => c.Contents.Contains("LoadFashionMnist", StringComparison.Ordinal)))
        {
            RealData.FashionMnistDirectory();
        }

        Assert.IsTrue(File.Exists(Path.Combine(LibraryDirectory(), "ClassyNet.MLNet.dll")), $"the notebooks load the library from {LibraryDirectory()}; build src first");
        string previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        try
        {
            using var kernel = new CSharpKernel();
            for (int i = 0; i < cells.Count; i++)
            {
                var result = await kernel.SendAsync(new SubmitCode(cells[i].Contents));
                if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
                {
                    Assert.Fail($"{notebook}, C# cell {i + 1} failed: {failed.Message}\n---\n{cells[i].Contents}");
                }
            }
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    private static string LibraryDirectory() => Path.GetFullPath(Path.Combine(NotebookDirectory(), "..", "..", "artifacts", "notebooks"));

    private static string NotebookDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "samples", "notebooks");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"samples/notebooks not found above {AppContext.BaseDirectory}.");
    }
}
