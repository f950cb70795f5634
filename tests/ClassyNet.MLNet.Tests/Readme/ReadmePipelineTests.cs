using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Readme;

/// <summary>
/// The README's C# pipeline, compiled exactly as written as the Program.cs of a console app (with the SDK's implicit
/// global usings) against the library and Microsoft.ML, then run in a temporary folder.
/// </summary>
[TestClass]
public sealed class ReadmePipelineTests
{
    private const string Section = "## Using it from C#: an ML.NET pipeline";

    /// <summary>What <c>dotnet new console</c> with implicit usings adds to every file.</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    [TestMethod]
    public void ReadmePipelineCompilesAndRunsAsWritten()
    {
        string code = CodeBlock(File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")), Section);
        StringAssert.Contains(code, "SaveClassyNet", "the section's first C# block is the pipeline");
        RealData.FashionMnistDirectory();

        using var dir = new TempDirectory();
        string printed = CompileAndRun(code, dir.Path);
        StringAssert.Contains(printed, "accuracy ");
        StringAssert.Contains(printed, "fewer MACs");
        StringAssert.Contains(printed, " at exit ");
        Assert.IsTrue(File.Exists(Path.Combine(dir.Path, "model.zip")), "the pipeline saved model.zip in the working folder");
    }

    /// <summary>
    /// Compiles <paramref name="code"/> as the Program.cs of a console app (implicit usings on) against the library and
    /// Microsoft.ML (with no warnings), runs it in <paramref name="workingDirectory"/> and returns what it printed.
    /// </summary>
    internal static string CompileAndRun(string code, string workingDirectory)
    {
        var compilation = CSharpCompilation.Create(
            "Readme" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(code, path: "Program.cs"), CSharpSyntaxTree.ParseText(ImplicitUsings, path: "GlobalUsings.g.cs")],
            References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.IsTrue(emitted.Success, "the README's code does not compile:\n" + string.Join("\n", errors));
        Assert.IsEmpty(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).ToList(), "the README's code compiles with warnings");

        string previous = Environment.CurrentDirectory;
        var output = new StringWriter();
        var console = Console.Out;
        Environment.CurrentDirectory = workingDirectory;
        Console.SetOut(output);
        try
        {
            var entry = Assembly.Load(image.ToArray()).EntryPoint!;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(console);
            Environment.CurrentDirectory = previous;
        }

        return output.ToString();
    }

    /// <summary>The first ```csharp block after the heading <paramref name="heading"/>.</summary>
    internal static string CodeBlock(string readme, string heading)
    {
        int section = readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, section, $"README has no '{heading}' section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    private static IEnumerable<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var n && (n.StartsWith("System.", StringComparison.Ordinal) || n.StartsWith("Microsoft.ML", StringComparison.Ordinal)
                || n.StartsWith("ClassyNet.MLNet", StringComparison.Ordinal) || n is "netstandard.dll" or "mscorlib.dll")
                && !n.StartsWith("System.Reactive", StringComparison.Ordinal) && !n.StartsWith("System.Interactive", StringComparison.Ordinal) && !n.StartsWith("System.Linq.Async", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p));

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"The repository root (README.md and src/) was not found above {AppContext.BaseDirectory}.");
    }
}
