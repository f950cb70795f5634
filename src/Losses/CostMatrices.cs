namespace ClassyNet.MLNet.Losses;

/// <summary>
/// One cost matrix per exit (paper eq. 2, 3, 8): entry [true, predicted] of exit m's K_m x K_m matrix scales that
/// sample's cross-entropy at exit m. All-ones matrices give plain cross-entropy.
/// </summary>
public sealed class CostMatrices
{
    private readonly Func<ExitClassSets, int, float[,]> _build;

    private CostMatrices(string description, Func<ExitClassSets, int, float[,]> build)
    {
        Description = description;
        _build = build;
    }

    /// <summary>All-ones matrices at every exit (plain cross-entropy).</summary>
    public static CostMatrices Ones { get; } = new("ones", (sets, m) => Fill(sets.OutputCount(m), (_, _) => 1f));

    /// <summary>What the matrices are, for logs and model manifests.</summary>
    public string Description { get; }

    /// <summary>
    /// Eq. 3 at every early exit: for a true class the exit targets (a class of S_m), c1 when predicted correctly and c2
    /// otherwise; for a true class it does not target (the bag, or a class outside S_m when BoC is off), c3 when correct
    /// and c4 otherwise. The paper asks for c1 &lt; c2, c3 &lt; c4 and c1, c2 &lt; c3, c4. The final exit answers for every
    /// class, so it has no targeted subset and keeps all-ones costs (plain cross-entropy).
    /// </summary>
    public static CostMatrices Targeted(float c1, float c2, float c3, float c4)
    {
        foreach (var (value, name) in new[] { (c1, nameof(c1)), (c2, nameof(c2)), (c3, nameof(c3)), (c4, nameof(c4)) })
        {
            CheckCost(value, name);
        }

        return new($"targeted(c1={c1}, c2={c2}, c3={c3}, c4={c4})", (sets, m) =>
        {
            int k = sets.OutputCount(m);
            if (m == sets.ExitCount - 1)
            {
                return Fill(k, (_, _) => 1f);
            }

            return Fill(k, (t, p) =>
            {
                int cls = sets.ToOriginalClass(m, t);
                bool targeted = cls >= 0 && sets.Contains(m, cls);
                return targeted ? (t == p ? c1 : c2) : (t == p ? c3 : c4);
            });
        });
    }

    /// <summary>Explicit matrices, one per exit, each K_m x K_m ([true, predicted]); checked against the exit sets when used.</summary>
    public static CostMatrices Explicit(IReadOnlyList<float[,]> matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        var copies = matrices.Select((mat, i) =>
        {
            if (mat is null || mat.GetLength(0) != mat.GetLength(1))
            {
                throw new ArgumentException($"matrices[{i}] must be a square matrix, got {(mat is null ? "null" : $"{mat.GetLength(0)}x{mat.GetLength(1)}")}.", nameof(matrices));
            }

            foreach (float v in mat)
            {
                CheckCost(v, $"matrices[{i}]");
            }

            return (float[,])mat.Clone();
        }).ToArray();
        return new("explicit", (sets, m) =>
        {
            if (copies.Length != sets.ExitCount)
            {
                throw new ArgumentException($"{copies.Length} cost matrices given for a network with {sets.ExitCount} exits.", nameof(matrices));
            }

            int k = sets.OutputCount(m);
            if (copies[m].GetLength(0) != k)
            {
                throw new ArgumentException($"matrices[{m}] is {copies[m].GetLength(0)}x{copies[m].GetLength(0)} but exit {m} has {k} outputs (expected {k}x{k}).", nameof(matrices));
            }

            return (float[,])copies[m].Clone();
        });
    }

    /// <summary>The K_m x K_m matrix of exit <paramref name="exit"/> for <paramref name="sets"/>.</summary>
    public float[,] ForExit(ExitClassSets sets, int exit)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentOutOfRangeException.ThrowIfNegative(exit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(exit, sets.ExitCount);
        return _build(sets, exit);
    }

    /// <summary>Matrices of every exit.</summary>
    public float[][,] ForAllExits(ExitClassSets sets) => Enumerable.Range(0, sets.ExitCount).Select(m => ForExit(sets, m)).ToArray();

    /// <inheritdoc />
    public override string ToString() => Description;

    private static float[,] Fill(int k, Func<int, int, float> value)
    {
        var mat = new float[k, k];
        for (int t = 0; t < k; t++)
        {
            for (int p = 0; p < k; p++)
            {
                mat[t, p] = value(t, p);
            }
        }

        return mat;
    }

    private static void CheckCost(float value, string argument)
    {
        if (!float.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(argument, value, $"Costs must be finite and >= 0; {argument} is {value}.");
        }
    }
}
