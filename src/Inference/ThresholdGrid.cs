namespace ClassyNet.MLNet.Inference;

/// <summary>Candidate thresholds for one early exit, shared by <see cref="ThresholdCalibrator"/> and the split planner.</summary>
internal static class ThresholdGrid
{
    /// <summary>
    /// "Disabled" first, then up to <paramref name="candidates"/> thresholds at quantiles of the exit's scores over the
    /// samples whose argmax is not the bag, each placed so exactly the samples up to its quantile pass: for entropy
    /// T = the next float above the quantile's entropy (H &lt; T), for the largest probability T = the quantile's value
    /// (p &gt;= T). Disabled is T = 0 for entropy and the next float above 1 for the largest probability.
    /// </summary>
    internal static float[] For(ExitScoreCache cache, ExitPolicy policy, int exit, int candidates)
    {
        var scores = cache.Score(policy, exit);
        var values = new List<float>(scores.Length);
        for (int i = 0; i < scores.Length; i++)
        {
            if (!cache.IsBag(exit, i))
            {
                values.Add(scores[i]);
            }
        }

        bool entropy = policy == ExitPolicy.Entropy;
        values.Sort();
        if (!entropy)
        {
            values.Reverse(); // most confident first
        }

        var grid = new List<float> { Disabled(policy) };
        for (int q = 1; q <= candidates && values.Count > 0; q++)
        {
            int index = (int)Math.Ceiling((double)q * values.Count / candidates) - 1;
            float t = entropy ? MathF.BitIncrement(values[Math.Max(index, 0)]) : values[Math.Max(index, 0)];
            if (entropy ? t > grid[^1] : t < grid[^1])
            {
                grid.Add(t);
            }
        }

        return grid.ToArray();
    }

    /// <summary>The threshold that lets no sample leave: 0 for entropy, the next float above 1 for the largest probability.</summary>
    internal static float Disabled(ExitPolicy policy) => policy == ExitPolicy.Entropy ? 0f : MathF.BitIncrement(1f);
}
