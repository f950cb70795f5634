namespace ClassyNet.MLNet.Data;

/// <summary>Small generated datasets that need no download (the paper's 2-D illustration, Section V-B3).</summary>
public static class SyntheticData
{
    /// <summary>Names of the four classes of <see cref="FourClasses"/>, in label order (the paper's colours).</summary>
    public static IReadOnlyList<string> FourClassNames { get; } = ["blue", "green", "orange", "yellow"];

    /// <summary>
    /// Four classes in the plane [-1, 1]^2 with curved, interleaved boundaries: blue is a disc in the centre, green a
    /// ring around it, orange and yellow split the outside along a sine wave. Points are uniform in the square and
    /// labelled by region, with <paramref name="labelNoise"/> of them relabelled at random so that early exits are
    /// uncertain near the boundaries.
    /// </summary>
    public static TensorDataset FourClasses(int count, int seed = 0, float labelNoise = 0.03f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!(labelNoise >= 0 && labelNoise <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelNoise), labelNoise, "labelNoise must be in [0, 1].");
        }

        var g = new Random(seed);
        var features = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            float x = (2 * g.NextSingle()) - 1, y = (2 * g.NextSingle()) - 1;
            features[2 * i] = x;
            features[(2 * i) + 1] = y;
            labels[i] = g.NextSingle() < labelNoise ? g.Next(4) : FourClassRegion(x, y);
        }

        return new TensorDataset(features, labels, 2);
    }

    /// <summary>The noise-free class of point (x, y) in <see cref="FourClasses"/>.</summary>
    public static int FourClassRegion(float x, float y)
    {
        float r = MathF.Sqrt((x * x) + (y * y));
        if (r < 0.35f)
        {
            return 0;
        }

        if (r < 0.6f)
        {
            return 1;
        }

        return y > 0.35f * MathF.Sin(3.5f * x) ? 2 : 3;
    }
}
