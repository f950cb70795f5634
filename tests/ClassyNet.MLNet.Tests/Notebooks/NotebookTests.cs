using System.Text.Json;
using ClassyNet.MLNet.Data;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Notebooks;

/// <summary>
/// Runs the code cells of every notebook in samples/notebooks in order, as one C# script session (the way .NET
/// Interactive runs a kernel), so the notebooks cannot rot. <c>#r</c> and <c>#!</c> lines are skipped; the library
/// assembly is referenced instead.
/// </summary>
[TestClass]
public sealed class NotebookTests
{
    private static readonly string[] DefaultImports = ["System", "System.IO", "System.Linq", "System.Collections.Generic", "System.Text", "System.Threading.Tasks"];

    public static IEnumerable<object[]> Notebooks() =>
        Directory.GetFiles(NotebookDirectory(), "*.ipynb").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    [DynamicData(nameof(Notebooks))]
    public async Task NotebookRunsCellByCell(string notebook)
    {
        var cells = CodeCells(Path.Combine(NotebookDirectory(), notebook));
        Assert.IsNotEmpty(cells, $"{notebook} has no code cells");
        if (cells.Any(c => c.Contains("LoadFashionMnist", StringComparison.Ordinal)))
        {
            RealData.FashionMnistDirectory();
        }

        var options = ScriptOptions.Default
            .WithReferences(References())
            .WithImports(DefaultImports)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithEmitDebugInformation(false);
        ScriptState<object>? state = null;
        for (int i = 0; i < cells.Count; i++)
        {
            try
            {
                state = state is null ? await CSharpScript.RunAsync(cells[i], options) : await state.ContinueWithAsync(cells[i], options);
            }
            catch (CompilationErrorException e)
            {
                Assert.Fail($"{notebook}, code cell {i + 1} does not compile:\n{string.Join("\n", e.Diagnostics)}\n---\n{cells[i]}");
            }
            catch (Exception e)
            {
                Assert.Fail($"{notebook}, code cell {i + 1} threw {e.GetType().Name}: {e.Message}\n---\n{cells[i]}");
            }
        }
    }

    /// <summary>The source of each code cell, without the kernel directives (#r, #!).</summary>
    internal static List<string> CodeCells(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var cells = new List<string>();
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() != "code")
            {
                continue;
            }

            var source = cell.GetProperty("source");
            string text = source.ValueKind == JsonValueKind.Array ? string.Concat(source.EnumerateArray().Select(l => l.GetString())) : source.GetString() ?? string.Empty;
            var lines = text.Split('\n').Where(l => !l.TrimStart().StartsWith("#r ", StringComparison.Ordinal) && !l.TrimStart().StartsWith("#!", StringComparison.Ordinal));
            string code = string.Join('\n', lines).Trim();
            if (code.Length > 0)
            {
                cells.Add(code);
            }
        }

        return cells;
    }

    private static IEnumerable<Microsoft.CodeAnalysis.MetadataReference> References()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var n && (n.StartsWith("System.", StringComparison.Ordinal) || n is "netstandard.dll" or "mscorlib.dll"));
        return [.. platform.Select(p => Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(p)), Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(MLContext).Assembly.Location)];
    }

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
