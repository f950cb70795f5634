namespace ClassyNet.MLNet.Transformers;

/// <summary>The manifest of a model zip: what wrote it and in which format version.</summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="FormatVersion">The zip layout version; a reader refuses newer ones.</param>
/// <param name="WriterVersion">The library version that wrote the file.</param>
internal sealed record ModelManifest(string Format, int FormatVersion, string WriterVersion)
{
    public const string EntryName = "Manifest.json";

    public const string InputSchemaEntry = "InputSchema.json";

    public const string ModelFolder = "Model";

    public const string FormatName = "ClassyNet.MLNet.Model";

    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const int CurrentFormatVersion = 1;

    public static string LibraryVersion =>
        typeof(ModelManifest).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";
}
