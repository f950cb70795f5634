namespace ClassyNet.MLNet.Inference;

/// <summary>
/// Searches a grid of per-exit candidate indices for the best combination, exhaustively or by coordinate descent;
/// shared by <see cref="ThresholdCalibrator"/> and the split planner, which differ only in what they evaluate.
/// </summary>
internal static class GridSearch
{
    /// <summary>Evaluates every combination (first dimension fastest, starting from all zeros) and returns the best; ties keep the first found.</summary>
    internal static T Exhaustive<T>(IReadOnlyList<int> sizes, Func<int[], T> evaluate, Func<T, T, bool> better)
    {
        var combo = new int[sizes.Count];
        var best = evaluate(combo);
        while (true)
        {
            int m = 0;
            while (m < sizes.Count && ++combo[m] == sizes[m])
            {
                combo[m] = 0;
                m++;
            }

            if (m == sizes.Count)
            {
                return best;
            }

            var e = evaluate(combo);
            if (better(e, best))
            {
                best = e;
            }
        }
    }

    /// <summary>
    /// From <paramref name="start"/>, sweeps one dimension at a time with the others fixed at the best so far, and
    /// repeats passes until a pass changes nothing or <paramref name="maxPasses"/> have run.
    /// </summary>
    internal static T CoordinateDescent<T>(IReadOnlyList<int> sizes, int[] start, Func<int[], T> evaluate, Func<T, T, bool> better, Func<T, int[]> comboOf, int maxPasses)
    {
        var best = evaluate(start);
        for (int pass = 0; pass < maxPasses; pass++)
        {
            bool changed = false;
            for (int m = 0; m < sizes.Count; m++)
            {
                var combo = (int[])comboOf(best).Clone();
                for (int c = 0; c < sizes[m]; c++)
                {
                    combo[m] = c;
                    var e = evaluate(combo);
                    if (better(e, best))
                    {
                        best = e;
                        changed = true;
                    }
                }
            }

            if (!changed)
            {
                break;
            }
        }

        return best;
    }
}
