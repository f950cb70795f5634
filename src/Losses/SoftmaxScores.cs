using static TorchSharp.torch;

namespace ClassyNet.MLNet.Losses;

/// <summary>Per-row scores of a batch of logits used by the loss (would-exit counts) and by early-exit inference.</summary>
internal static class SoftmaxScores
{
    /// <summary>
    /// Shannon entropy in nats of each row's softmax, H = -sum p ln p, from [N, K] logits (computed as
    /// -sum softmax * log_softmax, so a probability that underflows to 0 adds 0, never NaN). Never negative.
    /// </summary>
    internal static Tensor Entropy(Tensor logits)
    {
        using var logp = nn.functional.log_softmax(logits, 1);
        using var p = logp.exp();
        using var terms = p * logp;
        using var sum = terms.sum(1);
        return sum.neg();
    }
}
