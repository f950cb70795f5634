using System.Globalization;
using BenchmarkDotNet.Running;
using ClassyNet.MLNet.Benchmarks;

// dotnet run -c Release --project benchmarks/ClassyNet.MLNet.Benchmarks -- --quick [seconds] [--only name-part] [--threads n] [--images n]   Stopwatch table
// dotnet run -c Release --project benchmarks/ClassyNet.MLNet.Benchmarks -- [BenchmarkDotNet arguments]
int quick = Array.IndexOf(args, "--quick");
if (quick >= 0)
{
    double seconds = quick + 1 < args.Length && !args[quick + 1].StartsWith("--", StringComparison.Ordinal)
        ? double.Parse(args[quick + 1], CultureInfo.InvariantCulture)
        : 3.0;
    string? Value(string name) => Array.IndexOf(args, name) is int i && i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    int threads = Value("--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 2;
    int images = Value("--images") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 10_000;
    QuickRunner.Run(new QuickRunner.Settings(seconds, threads, images, Value("--only")), Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ModelBenchmarks).Assembly).Run(args);
return 0;
