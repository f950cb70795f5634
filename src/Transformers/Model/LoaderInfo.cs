namespace ClassyNet.MLNet.Transformers;

/// <summary>The loader signature and format version of one model folder.</summary>
/// <param name="Signature">The <see cref="ModelLoaderAttribute"/> signature.</param>
/// <param name="Version">The format version the writer used.</param>
internal sealed record LoaderInfo(string Signature, int Version);
