using System.Diagnostics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Deployment.Tests;

/// <summary>Starts the real edge program (classynet-edge, built next to the tests) as a separate process.</summary>
internal static class EdgeProgram
{
    /// <summary>The built program (JIT build of edge/ClassyNet.Edge.App in the tests' configuration).</summary>
    public static string Path()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "ClassyNet.MLNet.sln")))
        {
            dir = dir.Parent;
        }

        Assert.IsNotNull(dir, "the repository root (ClassyNet.MLNet.sln) is above the test output");
        string configuration = AppContext.BaseDirectory.Contains($"{System.IO.Path.DirectorySeparatorChar}Debug{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        string path = System.IO.Path.Combine(dir.FullName, "edge", "ClassyNet.Edge.App", "bin", configuration, "net10.0", "classynet-edge");
        Assert.IsTrue(File.Exists(path), $"{path} is built (the test project references the edge program)");
        return path;
    }

    /// <summary>Runs the program with <paramref name="args"/> and the API key in its environment; returns exit code and output.</summary>
    public static (int ExitCode, string Output, string Error) Run(string? apiKey, params string[] args)
    {
        var start = new ProcessStartInfo(Path()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("CLASSYNET_API_KEY");
        if (apiKey is not null)
        {
            start.Environment["CLASSYNET_API_KEY"] = apiKey;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"classynet-edge {string.Join(' ', args)} did not finish in 90 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
