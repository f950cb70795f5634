using System.Text.Json.Serialization;

namespace ClassyNet.Edge.App;

/// <summary>Source-generated JSON for <see cref="ProcessReport"/> (NativeAOT has no reflection-based serializer).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProcessReport))]
internal sealed partial class ProcessReportJson : JsonSerializerContext
{
}
