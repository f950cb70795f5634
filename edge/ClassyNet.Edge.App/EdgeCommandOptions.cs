using System.CommandLine;
using System.Globalization;

namespace ClassyNet.Edge.App;

/// <summary>Options shared by the edge program's commands, and how they become client settings.</summary>
internal static class EdgeCommandOptions
{
    /// <summary>The environment variable holding the API key when no key file is given.</summary>
    public const string ApiKeyVariable = "CLASSYNET_API_KEY";

    public static Option<string> Package() => new("--package") { Description = "Edge package folder (classynet export edge-part).", Required = true };

    public static Option<string?> Cloud() => new("--cloud") { Description = "Cloud-part service address, e.g. http://127.0.0.1:5005 (needed unless the package is the whole model)." };

    public static Option<string?> ApiKeyFile() => new("--api-key-file") { Description = $"File holding the service's API key (default: the {ApiKeyVariable} environment variable)." };

    public static Option<int> Threads() => new("--threads") { Description = "ONNX Runtime intra-op threads (0: one per core).", DefaultValueFactory = _ => 1 };

    public static Option<string?> Report() => new("--process-report") { Description = "Write a JSON report of this process (loaded assemblies, mapped native libraries, peak RSS) to this file at the end." };

    /// <summary>The API key from the file or the environment; an error naming both when neither has one.</summary>
    public static string ApiKey(string? file)
    {
        string? key = file is not null ? File.ReadAllText(file).Trim() : Environment.GetEnvironmentVariable(ApiKeyVariable);
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException(file is not null ? $"--api-key-file '{file}' is empty." : $"No API key: pass --api-key-file or set {ApiKeyVariable}.");
        }

        return key;
    }

    /// <summary>A cloud client for <paramref name="address"/>; null when the package needs none and no address was given.</summary>
    public static CloudPartClient? Client(string? address, string? keyFile, bool needed, TimeSpan attemptTimeout, int attempts, int maxSamples)
    {
        if (address is null)
        {
            return needed ? throw new ArgumentException("--cloud is required: the edge part does not hold the model's last exit.") : null;
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"--cloud '{address}' is not an absolute URI (e.g. http://127.0.0.1:5005).");
        }

        return new CloudPartClient(new CloudClientOptions { Address = uri, ApiKey = ApiKey(keyFile), AttemptTimeout = attemptTimeout, MaxAttempts = attempts, MaxSamplesPerRequest = maxSamples });
    }

    /// <summary>Invariant formatting for RESULT lines.</summary>
    public static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
