namespace ClassyNet.MLNet.Data;

/// <summary>
/// SVHN (Street View House Numbers), format 2 "cropped digits": <c>train_32x32.mat</c>, <c>test_32x32.mat</c> and
/// <c>extra_32x32.mat</c>, MAT-files holding <c>X</c>, uint8 [32, 32, 3, N] (height, width, channel, sample), and
/// <c>y</c>, [N, 1] labels 1-10 where 10 is the digit 0. Loads [3, 32, 32] samples scaled to [0, 1] with labels 0-9
/// (the digit itself).
/// </summary>
public static class Svhn
{
    /// <summary>Where the files are published.</summary>
    public const string DownloadUrl = "http://ufldl.stanford.edu/housenumbers/";

    private const int ImageSize = 3 * 32 * 32;

    /// <summary>Class names in label order: the digits "0" to "9".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Loads a cropped-digits MAT-file; <paramref name="limit"/> keeps only the first samples (the whole file is still read).</summary>
    public static TensorDataset Load(string matFile, int? limit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(matFile);
        if (limit is int l)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(l, nameof(limit));
        }

        if (!File.Exists(matFile))
        {
            throw new FileNotFoundException($"SVHN file '{matFile}' does not exist. Download train_32x32.mat, test_32x32.mat or extra_32x32.mat (format 2, cropped digits) from {DownloadUrl}.", matFile);
        }

        return FromMatFile(MatFile.Read(matFile), matFile, limit);
    }

    /// <summary>Converts an already read SVHN MAT-file; <paramref name="source"/> names it in errors.</summary>
    public static TensorDataset FromMatFile(MatFile mat, string source, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(mat);
        ArgumentNullException.ThrowIfNull(source);
        if (limit is int l)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(l, nameof(limit));
        }

        var (x, y, n) = CheckLayout(mat, source);
        int count = Math.Min(n, limit ?? int.MaxValue);
        var labels = ReadLabels(y, count, source);

        var features = new float[(long)count * ImageSize];
        if (x.Class == MatClass.UInt8)
        {
            Transpose(x.GetValues<byte>(), null, features, count);
        }
        else
        {
            Transpose(null, i =>
            {
                double v = x.GetDouble(i);
                return v >= 0 && v <= 255 ? (float)(v / 255) : throw new InvalidDataException($"SVHN file '{source}': X element {i} (sample {i / ImageSize}) is {v}; pixels must be 0-255.");
            }, features, count);
        }

        return new TensorDataset(features, labels, 3, 32, 32);
    }

    /// <summary>Checks that <paramref name="mat"/> holds SVHN's X [32, 32, 3, N] and y [N, 1]; returns them and N.</summary>
    internal static (MatArray X, MatArray Y, int Count) CheckLayout(MatFile mat, string source)
    {
        string present = $"[{string.Join(", ", mat.Arrays.Select(a => a.ToString()))}]";
        if (!mat.TryGetArray("X", out var x))
        {
            throw new InvalidDataException($"SVHN file '{source}' has no variable 'X' (the images); it holds {present}. Is it a cropped-digits (format 2) *_32x32.mat file?");
        }

        if (!mat.TryGetArray("y", out var y))
        {
            throw new InvalidDataException($"SVHN file '{source}' has no variable 'y' (the labels); it holds {present}.");
        }

        // MATLAB drops trailing singleton dimensions, so a single image is saved as [32, 32, 3].
        var d = x.Dimensions;
        bool shapeOk = d.Count is 3 or 4 && d[0] == 32 && d[1] == 32 && d[2] == 3;
        if (!shapeOk)
        {
            throw new InvalidDataException($"SVHN file '{source}': X has dimensions [{string.Join(", ", d)}]; expected [32, 32, 3, N] (height, width, channel, sample).");
        }

        int n = d.Count == 4 ? d[3] : 1;
        if (y.Count != n || y.Dimensions.Count(v => v != 1) > 1)
        {
            throw new InvalidDataException($"SVHN file '{source}': y has dimensions [{string.Join(", ", y.Dimensions)}] ({y.Count} labels) but X holds {n} images; expected [{n}, 1].");
        }

        return (x, y, n);
    }

    /// <summary>The first <paramref name="count"/> labels of y as digits 0-9 (10 stands for 0); throws naming a bad one.</summary>
    internal static int[] ReadLabels(MatArray y, int count, string source)
    {
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            double v = y.GetDouble(i);
            if (!(v >= 1 && v <= 10 && v == Math.Floor(v)))
            {
                throw new InvalidDataException($"SVHN file '{source}': label y({i + 1}) of sample {i} is {v}; labels must be integers 1-10 (10 stands for the digit 0).");
            }

            labels[i] = (int)v % 10;
        }

        return labels;
    }

    /// <summary>Column-major X(h, w, c, n) at h + 32w + 1024c + 3072n to row-major [n, c, h, w].</summary>
    private static void Transpose(byte[]? bytes, Func<int, float>? value, float[] features, int count)
    {
        for (int s = 0; s < count; s++)
        {
            int sample = s * ImageSize;
            for (int c = 0; c < 3; c++)
            {
                int plane = sample + (c * 1024);
                for (int w = 0; w < 32; w++)
                {
                    int column = plane + (w * 32);
                    for (int h = 0; h < 32; h++)
                    {
                        features[plane + (h * 32) + w] = bytes is null ? value!(column + h) : bytes[column + h] / 255f;
                    }
                }
            }
        }
    }
}
