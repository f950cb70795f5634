using System.Globalization;
using BenchmarkDotNet.Running;
using ClassyNet.MLNet.Benchmarks;

// dotnet run -c Release --project benchmarks/ClassyNet.MLNet.Benchmarks -- --quick [seconds] [--only name-part] [--threads n]   Stopwatch table
// dotnet run -c Release --project benchmarks/ClassyNet.MLNet.Benchmarks -- [BenchmarkDotNet arguments]
int quick = Array.IndexOf(args, "--quick");
if (quick >= 0)
{
    double seconds = quick + 1 < args.Length && !args[quick + 1].StartsWith("--", StringComparison.Ordinal)
        ? double.Parse(args[quick + 1], CultureInfo.InvariantCulture)
        : 3.0;
    int only = Array.IndexOf(args, "--only");
    int threads = Array.IndexOf(args, "--threads");
    if (threads >= 0 && threads + 1 < args.Length)
    {
        ClassyNet.MLNet.Tensors.Kernels.Parallelism.ThreadCount = int.Parse(args[threads + 1], CultureInfo.InvariantCulture);
    }

    QuickRunner.Run(seconds, Console.Out, only >= 0 && only + 1 < args.Length ? args[only + 1] : null);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ModelBenchmarks).Assembly).Run(args);
return 0;
