using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Tests.Deployment;

/// <summary>
/// A real multi-exit network whose exit m returns slice m of its input as logits (identity stages, selecting heads), so
/// a score cache with exactly chosen per-exit logits goes through the library's own ExitScoreCache.Build.
/// </summary>
internal static class ScriptedExits
{
    /// <summary>"Confident in class c": logit 20 on c, 0 elsewhere (entropy about 4e-8 nats).</summary>
    public static float[] Sure(int c, int classes) => Enumerable.Range(0, classes).Select(k => k == c ? 20f : 0f).ToArray();

    /// <summary>All logits equal: entropy ln K, argmax class 0.</summary>
    public static float[] Unsure(int classes) => new float[classes];

    /// <summary>Builds the cache from per-sample rows of per-exit logits: rows[i][m] is exit m's logits for sample i.</summary>
    public static ExitScoreCache Cache(IReadOnlyList<float[][]> rows, IReadOnlyList<int> labels, int classes)
    {
        int exits = rows[0].Length, features = exits * classes;
        var net = Architectures.Mlp(features, Enumerable.Repeat(features, exits).ToArray(), classes, generator: new Generator(1));
        using (no_grad())
        {
            foreach (var (name, p) in net.named_parameters())
            {
                if (name.StartsWith("stages.", StringComparison.Ordinal))
                {
                    p.copy_(name.EndsWith(".weight", StringComparison.Ordinal) ? eye(features) : zeros(features));
                }
                else if (name.EndsWith(".fc.weight", StringComparison.Ordinal))
                {
                    int m = int.Parse(name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);
                    var w = zeros(classes, features);
                    for (int k = 0; k < classes; k++)
                    {
                        w[k, (m * classes) + k] = 1f;
                    }

                    p.copy_(w);
                }
                else
                {
                    p.zero_();
                }
            }
        }

        var flat = rows.SelectMany(r => r.SelectMany(x => x)).ToArray();
        using var inputs = tensor(flat, [rows.Count, features]);
        return ExitScoreCache.Build(net, ExitClassSets.AllClasses(exits, classes), inputs, labels);
    }
}
