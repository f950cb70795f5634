namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>
/// The paper's memory estimate for a partial network (Section VI-B): parameters x 4 bytes (float32) x the batch size
/// of 16, e.g. 37,728 x 4 x 16 = 2,414,592 bytes for the first 18 layers of ResNet-110 (the paper's "2.31 MB").
/// </summary>
/// <remarks>
/// The formula multiplies the weights by the batch size; a real executor holds the weights once and per-sample
/// activations batch-size times (see <see cref="PartitionMemoryAnalyzer"/> for both figures side by side).
/// </remarks>
public static class PaperMemoryFormula
{
    /// <summary>Bytes per float32 parameter (4).</summary>
    public const int BytesPerParameter = 4;

    /// <summary>The paper's test batch size (16).</summary>
    public const int BatchSize = 16;

    /// <summary>Parameters x <paramref name="bytesPerParameter"/> x <paramref name="batchSize"/>.</summary>
    public static long Bytes(long parameters, int bytesPerParameter = BytesPerParameter, int batchSize = BatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerParameter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return checked(parameters * bytesPerParameter * batchSize);
    }

    /// <summary>The most parameters whose <see cref="Bytes"/> fit in <paramref name="budgetBytes"/>.</summary>
    public static long MaxParameters(long budgetBytes, int bytesPerParameter = BytesPerParameter, int batchSize = BatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budgetBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerParameter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return budgetBytes / ((long)bytesPerParameter * batchSize);
    }
}
