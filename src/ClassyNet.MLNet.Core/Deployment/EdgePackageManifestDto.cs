using System.Text.Json.Serialization;

namespace ClassyNet.MLNet.Deployment;

/// <summary>The JSON shape of <see cref="EdgePackageManifest"/> (checked by its constructor after reading).</summary>
internal sealed class EdgePackageManifestDto
{
    public string? Format { get; set; }

    public int Version { get; set; }

    public string? ModelId { get; set; }

    public string? ModelVersion { get; set; }

    public int ExitCount { get; set; }

    public int SplitExit { get; set; }

    public int ClassCount { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? ClassNames { get; set; }

    public string? InputName { get; set; }

    public int[]? InputShape { get; set; }

    public string? Policy { get; set; }

    public float[]? Thresholds { get; set; }

    public float[]? CloudThresholds { get; set; }

    public EdgePackageExitDto[]? Exits { get; set; }

    public string? ActivationOutput { get; set; }

    public int[]? ActivationShape { get; set; }

    public string? OnnxFile { get; set; }

    public long OnnxLength { get; set; }

    public uint OnnxCrc32 { get; set; }

    public int Opset { get; set; }
}
