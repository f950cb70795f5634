namespace ClassyNet.MLNet.Persistence;

/// <summary>One step of a saved pipeline: its kind, the version of its entries and the folder holding them.</summary>
/// <param name="Kind">What the step is (<c>mlnet</c> for a run of ML.NET transformers, else a ClassyNet transformer's kind).</param>
/// <param name="Version">Version of the step's entries.</param>
/// <param name="Folder">Folder of the step's entries inside the model file, ending in '/'.</param>
internal sealed record ModelPart(string Kind, int Version, string Folder);
