using System.Globalization;
using System.Text;
using ClassyNet.MLNet.Data;

namespace ClassyNet.Cli.Tests;

/// <summary>
/// The paper's 2-D illustration in miniature: four Gaussian blobs (classes 0..3) at the corners of a square, written
/// as CSV with a header "x,y,label", and the same samples as a <see cref="TensorDataset"/> for library-side checks.
/// </summary>
internal static class TinyData
{
    public static TensorDataset Write(string path, int count, int seed, int classes = 4)
    {
        var rng = new Random(seed);
        var features = new float[count * 2];
        var labels = new int[count];
        var csv = new StringBuilder("x,y,label\n");
        for (int i = 0; i < count; i++)
        {
            int k = i % classes;
            double cx = 2.5 * (k % 2), cy = 2.5 * (k / 2);
            features[2 * i] = (float)Math.Round(cx + (0.6 * Gaussian(rng)), 4);
            features[(2 * i) + 1] = (float)Math.Round(cy + (0.6 * Gaussian(rng)), 4);
            labels[i] = k;
            csv.Append(CultureInfo.InvariantCulture, $"{features[2 * i]:R},{features[(2 * i) + 1]:R},{k}\n");
        }

        File.WriteAllText(path, csv.ToString());
        return new TensorDataset(features, labels, 2);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
