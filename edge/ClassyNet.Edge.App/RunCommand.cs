using System.CommandLine;
using System.Text.Json;

namespace ClassyNet.Edge.App;

/// <summary><c>classynet-edge run</c>: classifies IDX images with the edge part and the cloud service; answers as JSON lines.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var package = EdgeCommandOptions.Package();
        var cloud = EdgeCommandOptions.Cloud();
        var keyFile = EdgeCommandOptions.ApiKeyFile();
        var images = new Option<string>("--images") { Description = "IDX image file (e.g. t10k-images-idx3-ubyte.gz).", Required = true };
        var labels = new Option<string?>("--labels") { Description = "IDX label file: prints accuracy." };
        var limit = new Option<int?>("--limit") { Description = "Classify only the first N images." };
        var batch = new Option<int>("--batch") { Description = "Samples per batch.", DefaultValueFactory = _ => 16 };
        var threads = EdgeCommandOptions.Threads();
        var timeout = new Option<int>("--timeout-ms") { Description = "Deadline of one cloud attempt in ms.", DefaultValueFactory = _ => 10_000 };
        var attempts = new Option<int>("--attempts") { Description = "Attempts per cloud request before its samples are reported unavailable.", DefaultValueFactory = _ => 4 };
        var output = new Option<string?>("--output") { Description = "Write one JSON line per sample here (index, source, class, exit, score, error)." };
        var report = EdgeCommandOptions.Report();
        var command = new Command("run", "Classify images: edge exits on ONNX Runtime, the rest on the cloud part; answers in input order.")
        {
            package, cloud, keyFile, images, labels, limit, batch, threads, timeout, attempts, output, report,
        };
        command.SetAction((r, ct) => Run(
            r.GetValue(package)!, r.GetValue(cloud), r.GetValue(keyFile), r.GetValue(images)!, r.GetValue(labels), r.GetValue(limit), r.GetValue(batch),
            r.GetValue(threads), r.GetValue(timeout), r.GetValue(attempts), r.GetValue(output), r.GetValue(report), ct));
        return command;
    }

    private static async Task<int> Run(string packagePath, string? cloudAddress, string? keyFile, string imagesPath, string? labelsPath, int? limit, int batchSize, int threads, int timeoutMs, int attempts, string? outputPath, string? reportPath, CancellationToken cancellationToken)
    {
        if (batchSize < 1)
        {
            throw new ArgumentException($"--batch must be at least 1; got {batchSize}.");
        }

        var package = EdgePackage.Load(packagePath);
        var manifest = package.Manifest;
        var (inputs, labels, count) = EdgeInputs.Read(imagesPath, labelsPath, limit, manifest.InputSize);
        using var runtime = new EdgeRuntime(package, new EdgeRuntimeOptions { IntraOpThreads = threads });
        using var client = EdgeCommandOptions.Client(cloudAddress, keyFile, !manifest.IsComplete, TimeSpan.FromMilliseconds(timeoutMs), attempts, Math.Max(batchSize, 1));
        var classifier = new EdgeClassifier(runtime, client);
        var result = await SplitEvaluation.RunAsync(classifier, inputs, labels ?? new int[count], batchSize, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"{manifest}");
        Console.WriteLine($"samples {result.Count}: {result.Count - result.SentToCloud} answered on the edge, {result.SentToCloud - result.Unanswered} by the cloud, {result.Unanswered} unanswered");
        Console.WriteLine($"exits [{string.Join(", ", result.ExitCounts)}]; {result.Batches.Count} batches, mean {result.MeanBatchLatency.TotalMilliseconds:F2} ms, p99 {result.BatchLatencyQuantile(0.99).TotalMilliseconds:F2} ms; {result.BytesSent} activation bytes sent");
        if (labels is not null)
        {
            Console.WriteLine($"accuracy {result.Accuracy:P2}");
        }

        if (outputPath is not null)
        {
            WriteAnswers(outputPath, result.Answers);
        }

        if (reportPath is not null)
        {
            ProcessReport.Current().Write(reportPath);
        }

        return result.Unanswered == 0 ? 0 : 3;
    }

    /// <summary>Writes one JSON line per sample: index, source, class, exit, score, and the error of an unanswered one.</summary>
    private static void WriteAnswers(string path, IReadOnlyList<EdgeAnswer> answers)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        for (int i = 0; i < answers.Count; i++)
        {
            var a = answers[i];
            json.WriteStartObject();
            json.WriteNumber("index", i);
            json.WriteString("source", a.Source.ToString());
            if (a.IsAnswered)
            {
                json.WriteNumber("class", a.PredictedClass);
                json.WriteNumber("exit", a.Exit);
                json.WriteNumber("score", a.Score);
            }
            else
            {
                json.WriteString("error", a.Error);
            }

            json.WriteEndObject();
            json.Flush();
            stream.WriteByte((byte)'\n');
            json.Reset();
        }
    }
}
