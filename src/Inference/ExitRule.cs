using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Inference;

/// <summary>
/// The per-exit scores and checks, shared by <see cref="EarlyExitPredictor"/> and <see cref="ExitScoreCache"/> so that
/// calibration simulates exactly what inference does; the exit decision itself is <see cref="ExitDecision"/>.
/// </summary>
internal static class ExitRule
{
    /// <summary>Checks thresholds (M - 1 or M values, finite, &gt;= 0) and returns the M - 1 that are used.</summary>
    internal static float[] ValidateThresholds(IReadOnlyList<float>? thresholds, int exitCount, string argument)
    {
        ArgumentNullException.ThrowIfNull(thresholds, argument);
        if (thresholds.Count != exitCount - 1 && thresholds.Count != exitCount)
        {
            throw new ArgumentException(
                $"{argument} must give one threshold per early exit ({exitCount - 1} values, or {exitCount} with an ignored last one for the final exit, which always answers); got {thresholds.Count}: [{string.Join(", ", thresholds)}].",
                argument);
        }

        var used = new float[exitCount - 1];
        for (int m = 0; m < thresholds.Count; m++)
        {
            float t = thresholds[m];
            if (!float.IsFinite(t) || t < 0f)
            {
                throw new ArgumentOutOfRangeException(argument, t, $"{argument}[{m}] = {t}: every threshold must be finite and >= 0.");
            }

            if (m < used.Length)
            {
                used[m] = t;
            }
        }

        return used;
    }

    /// <summary>Checks that the network's exits match the class sets: same exit count and head m has OutputCount(m) logits.</summary>
    internal static void ValidateNetwork(MultiExitNetwork network, ExitClassSets exitClasses, string networkArgument, string setsArgument)
    {
        ArgumentNullException.ThrowIfNull(network, networkArgument);
        ArgumentNullException.ThrowIfNull(exitClasses, setsArgument);
        if (network.ExitCount != exitClasses.ExitCount)
        {
            throw new ArgumentException(
                $"{setsArgument} has {exitClasses.ExitCount} exits ({exitClasses}) but {networkArgument} has {network.ExitCount}; they must match.",
                setsArgument);
        }

        for (int m = 0; m < network.ExitCount; m++)
        {
            int expected = exitClasses.OutputCount(m);
            if (network.Exits[m].Outputs != expected)
            {
                throw new ArgumentException(
                    $"Exit {m} of {networkArgument} has {network.Exits[m].Outputs} outputs but {setsArgument} expects {expected} ({(exitClasses.HasBag(m) ? $"|S_{m + 1}| = {exitClasses.ClassesAt(m).Count} plus the bag" : "one per class")}).",
                    setsArgument);
            }
        }
    }

    /// <summary>
    /// Softmax, entropy (<c>SoftmaxScores.Entropy</c>, the same function the loss uses), largest probability and argmax
    /// of every row of <paramref name="logits"/> [n, outputs], computed by libtorch and copied to the host in one block.
    /// </summary>
    internal static ExitScores Score(Tensor logits)
    {
        int n = (int)logits.shape[0], k = (int)logits.shape[1];
        using var scope = NewDisposeScope();
        var probabilities = nn.functional.softmax(logits, 1);
        var entropy = SoftmaxScores.Entropy(logits);
        var (confidence, argmax) = probabilities.max(1);
        var packed = cat([probabilities, entropy.unsqueeze(1), confidence.unsqueeze(1), argmax.to(ScalarType.Float32).unsqueeze(1)], 1);
        var host = HostTensors.ToFloats(packed);
        var p = new float[n * k];
        var h = new float[n];
        var c = new float[n];
        var a = new int[n];
        int width = k + 3;
        for (int i = 0; i < n; i++)
        {
            host.AsSpan(i * width, k).CopyTo(p.AsSpan(i * k));
            h[i] = host[(i * width) + k];
            c[i] = host[(i * width) + k + 1];
            a[i] = (int)host[(i * width) + k + 2];
        }

        return new ExitScores(p, h, c, a);
    }

    /// <summary>Scores of one exit for a batch, on the host: probabilities row-major [n, outputs], then one value per row.</summary>
    internal readonly record struct ExitScores(float[] Probabilities, float[] Entropy, float[] Confidence, int[] ArgMax)
    {
        internal float[] For(ExitPolicy policy) => policy == ExitPolicy.Entropy ? Entropy : Confidence;
    }
}
