namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>The pruned (and fine-tuned) model and what was measured on it.</summary>
/// <param name="Model">The pruned model; save it with <see cref="PrunedModel.Save(string)"/>.</param>
/// <param name="Result">Size, accuracy and latency before and after.</param>
public sealed record PruningOutcome(PrunedModel Model, PruningResult Result);
