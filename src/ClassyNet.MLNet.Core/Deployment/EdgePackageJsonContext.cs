using System.Text.Json.Serialization;

namespace ClassyNet.MLNet.Deployment;

/// <summary>Source-generated JSON for the edge-package manifest (no reflection, so the NativeAOT edge runtime can read it).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EdgePackageManifestDto))]
internal sealed partial class EdgePackageJsonContext : JsonSerializerContext
{
}
