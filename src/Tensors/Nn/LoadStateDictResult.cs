namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>Keys that a non-strict <see cref="Module.LoadStateDict"/> skipped.</summary>
/// <param name="MissingKeys">Entries of the module that the state dict did not have.</param>
/// <param name="UnexpectedKeys">Entries of the state dict that the module does not have.</param>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
