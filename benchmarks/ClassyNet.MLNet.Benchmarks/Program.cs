using System.Globalization;
using BenchmarkDotNet.Running;
using ClassyNet.MLNet.Benchmarks;

// dotnet run -c Release --project benchmarks/ClassyNet.MLNet.Benchmarks -- --quick [seconds]   Stopwatch table
// dotnet run -c Release --project benchmarks/ClassyNet.MLNet.Benchmarks -- [BenchmarkDotNet arguments]
int quick = Array.IndexOf(args, "--quick");
if (quick >= 0)
{
    double seconds = quick + 1 < args.Length ? double.Parse(args[quick + 1], CultureInfo.InvariantCulture) : 3.0;
    QuickRunner.Run(seconds, Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ModelBenchmarks).Assembly).Run(args);
return 0;
