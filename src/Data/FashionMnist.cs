namespace ClassyNet.MLNet.Data;

/// <summary>Which part of Fashion-MNIST to load.</summary>
public enum FashionMnistSplit
{
    /// <summary>The 60,000 training images.</summary>
    Train,

    /// <summary>The 10,000 test images.</summary>
    Test,
}

/// <summary>
/// Fashion-MNIST from its IDX files (Debian package <c>dataset-fashion-mnist</c> installs them in
/// <see cref="DefaultDirectory"/>): 28x28 grey images scaled to [0, 1] as [1, 28, 28] samples, labels 0-9.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Class names in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>True when the four IDX files are present in <paramref name="directory"/>.</summary>
    public static bool IsAvailable(string directory = DefaultDirectory) =>
        Enum.GetValues<FashionMnistSplit>().All(s => File.Exists(FilePath(directory, s, images: true)) && File.Exists(FilePath(directory, s, images: false)));

    /// <summary>Loads a split; <paramref name="limit"/> keeps only the first samples (for quick runs).</summary>
    public static TensorDataset Load(string directory, FashionMnistSplit split, int? limit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Fashion-MNIST directory '{directory}' does not exist. Install the data with 'apt-get install dataset-fashion-mnist' (files go to {DefaultDirectory}) or pass the folder holding the *-idx?-ubyte.gz files.");
        }

        var images = IdxFile.Read(FilePath(directory, split, images: true));
        var labels = IdxFile.Read(FilePath(directory, split, images: false));
        if (images.Dimensions.Count != 3 || images.Dimensions[1] != 28 || images.Dimensions[2] != 28)
        {
            throw new InvalidDataException($"Fashion-MNIST images in '{directory}' have dimensions [{string.Join(", ", images.Dimensions)}], expected [N, 28, 28].");
        }

        if (labels.Dimensions.Count != 1 || labels.Count != images.Count)
        {
            throw new InvalidDataException($"Fashion-MNIST in '{directory}' has {images.Count} images but labels of dimensions [{string.Join(", ", labels.Dimensions)}].");
        }

        int count = Math.Min(images.Count, limit ?? int.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(limit));
        var features = new float[count * 784];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = labels.Data[i];
            if (y[i] > 9)
            {
                throw new InvalidDataException($"Fashion-MNIST label {i} is {y[i]}; labels must be 0-9.");
            }
        }

        for (int i = 0; i < features.Length; i++)
        {
            features[i] = images.Data[i] / 255f;
        }

        return new TensorDataset(features, y, 1, 28, 28);
    }

    /// <summary>The path of a split's image or label file (gzipped when present, else uncompressed).</summary>
    internal static string FilePath(string directory, FashionMnistSplit split, bool images)
    {
        string prefix = split == FashionMnistSplit.Train ? "train" : "t10k";
        string name = images ? $"{prefix}-images-idx3-ubyte" : $"{prefix}-labels-idx1-ubyte";
        string gz = Path.Combine(directory, name + ".gz");
        return File.Exists(gz) || !File.Exists(Path.Combine(directory, name)) ? gz : Path.Combine(directory, name);
    }
}
