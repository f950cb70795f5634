using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using ClassyNet.Serving;

namespace ClassyNet.Cli;

/// <summary>
/// <c>classynet serve cloud-part</c>: runs the cloud-part gRPC service until Ctrl+C or SIGTERM (graceful: requests in
/// flight finish). SIGHUP reloads the model files (a changed file becomes a new version; the previous stays served).
/// </summary>
internal static class ServeCommand
{
    /// <summary>The environment variable holding the API key when no key file is given.</summary>
    public const string ApiKeyVariable = "CLASSYNET_API_KEY";

    public static Command Create(CliContext context)
    {
        var models = new Option<string[]>("--model") { Description = "Model bundle to serve, as PATH or ID=PATH (default id: the file name without extension); repeat for several.", Required = true, AllowMultipleArgumentsPerToken = false };
        var urls = new Option<string>("--urls") { Description = "Addresses of the gRPC service, ';'-separated (http speaks HTTP/2 only).", DefaultValueFactory = _ => "http://127.0.0.1:5005" };
        var probeUrls = new Option<string?>("--probe-urls") { Description = "Extra plain HTTP/1.1 addresses answering /healthz and /readyz, e.g. http://127.0.0.1:5006." };
        var keyFile = new Option<string?>("--api-key-file") { Description = $"File holding the API key clients must send (default: the {ApiKeyVariable} environment variable)." };
        var maxRequest = new Option<int>("--max-request-mb") { Description = "Largest request message in MiB.", DefaultValueFactory = _ => 16 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most samples per request.", DefaultValueFactory = _ => 4096 };
        var concurrency = new Option<int>("--max-concurrency") { Description = "Requests run on TorchSharp at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: libtorch's)." };
        var shutdown = new Option<double>("--shutdown-timeout") { Description = "Seconds a stop waits for requests in flight.", DefaultValueFactory = _ => 30 };
        var retain = new Option<int>("--retain") { Description = "Versions kept per model id when a new one is loaded.", DefaultValueFactory = _ => 2 };
        var cloudPart = new Command("cloud-part", "Serve the cloud part of split models over gRPC (API key, health /healthz and /readyz, JSON logs, hot swap).")
        {
            models, urls, probeUrls, keyFile, maxRequest, maxBatch, concurrency, threads, shutdown, retain,
        };
        cloudPart.SetAction((r, _) => RunAsync(
            context,
            new CloudPartServerOptions
            {
                Models = r.GetValue(models)!.Select(ParseModel).ToArray(),
                Urls = r.GetValue(urls)!,
                ProbeUrls = r.GetValue(probeUrls),
                ApiKey = ApiKey(r.GetValue(keyFile)),
                MaxRequestBytes = Positive(r.GetValue(maxRequest), "--max-request-mb") << 20,
                MaxBatchSize = Positive(r.GetValue(maxBatch), "--max-batch"),
                MaxConcurrentInferences = Positive(r.GetValue(concurrency), "--max-concurrency"),
                InferenceThreads = r.GetValue(threads),
                ShutdownTimeout = TimeSpan.FromSeconds(r.GetValue(shutdown) >= 0 ? r.GetValue(shutdown) : throw new CliException("--shutdown-timeout must be >= 0.")),
                RetainedVersions = Positive(r.GetValue(retain), "--retain"),
            }));
        return new Command("serve", "Run a service.") { cloudPart };
    }

    private static async Task<int> RunAsync(CliContext context, CloudPartServerOptions options)
    {
        await using var server = await CloudPartServer.StartAsync(options, context.Cancellation).ConfigureAwait(false);
        var o = context.Output;
        foreach (var m in server.Registry.Models())
        {
            o.Line($"serving {m.Identity} ({m.ExitCount} exits; splits 1..{m.ExitCount - 1})");
        }

        o.Line($"listening on {string.Join(", ", server.Addresses)}; Ctrl+C or SIGTERM stops gracefully, SIGHUP reloads the model files");
        using var reload = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            foreach (var file in options.Models)
            {
                try
                {
                    var identity = server.Registry.Load(file.Path, file.Id);
                    o.Line($"reloaded {file.Path}: {identity}");
                }
                catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
                {
                    o.Warn($"reloading {file.Path} failed, the loaded versions keep serving: {e.Message}");
                }
            }
        });
        using var stop = context.Cancellation.Register(() => _ = server.StopAsync());
        await server.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        o.Line("stopped");
        return 0;
    }

    private static CloudModelFile ParseModel(string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        var (id, path) = eq > 0 && !File.Exists(text) ? (text[..eq], text[(eq + 1)..]) : (ExportCommand.DefaultModelId(text), text);
        if (!File.Exists(path))
        {
            throw new CliException($"--model '{text}': model file '{path}' does not exist.");
        }

        return new CloudModelFile(path, id);
    }

    private static string ApiKey(string? file)
    {
        string? key = file is not null ? File.ReadAllText(file).Trim() : Environment.GetEnvironmentVariable(ApiKeyVariable);
        return string.IsNullOrEmpty(key)
            ? throw new CliException(file is not null ? $"--api-key-file '{file}' is empty." : $"serve cloud-part needs an API key: --api-key-file FILE or the {ApiKeyVariable} environment variable.")
            : key;
    }

    private static int Positive(int value, string option) =>
        value >= 1 ? value : throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{option} must be at least 1; got {value}."));
}
