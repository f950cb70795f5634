using System.Text.Json;

namespace ClassyNet.MLNet.Persistence;

/// <summary>
/// The layout of a ClassyNet model file (<c>mlContext.Model.SaveClassyNet</c>): a zip holding
/// <list type="bullet">
/// <item><c>classynet-model.json</c>: the manifest (<see cref="ModelManifest"/>): format <c>classynet-pipeline</c>,
/// version, the pipeline's steps in order, and the CRC-32 and length of every other entry;</item>
/// <item><c>input-schema.zip</c>: the pipeline's input schema, saved by ML.NET's <c>Model.Save</c> with an empty chain;</item>
/// <item><c>steps/NNN/mlnet.zip</c>: a run of ML.NET transformers saved by ML.NET's <c>Model.Save</c>;</item>
/// <item><c>steps/NNN/...</c>: the entries of a ClassyNet transformer (JSON settings, the ClassyNet model bundle).</item>
/// </list>
/// </summary>
internal static class ModelArchive
{
    /// <summary>The manifest's format name.</summary>
    public const string FormatName = "classynet-pipeline";

    /// <summary>The version written and read.</summary>
    public const int FormatVersion = 1;

    /// <summary>The manifest entry.</summary>
    public const string ManifestEntry = "classynet-model.json";

    /// <summary>The entry holding the input schema.</summary>
    public const string InputSchemaEntry = "input-schema.zip";

    /// <summary>The kind of a step holding ML.NET transformers.</summary>
    public const string MLNetKind = "mlnet";

    /// <summary>The entry of an ML.NET step, inside its folder.</summary>
    public const string MLNetEntry = "mlnet.zip";

    /// <summary>The largest entry read, in bytes (1 GiB).</summary>
    public const long MaxEntryBytes = 1L << 30;

    /// <summary>How the manifest and the JSON entries are written.</summary>
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The folder of step <paramref name="index"/>.</summary>
    public static string StepFolder(int index) => $"steps/{index:D3}/";
}
