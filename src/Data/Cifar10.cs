namespace ClassyNet.MLNet.Data;

/// <summary>Which part of CIFAR-10 to load.</summary>
public enum Cifar10Split
{
    /// <summary>The 50,000 training images (<c>data_batch_1.bin</c> .. <c>data_batch_5.bin</c>).</summary>
    Train,

    /// <summary>The 10,000 test images (<c>test_batch.bin</c>).</summary>
    Test,
}

/// <summary>
/// CIFAR-10 from its binary version (<c>cifar-10-binary.tar.gz</c>, extracted): each record is one label byte (0-9)
/// followed by 3072 pixel bytes, the 1024 red, then 1024 green, then 1024 blue values of a 32x32 image in row-major
/// order. Loads [3, 32, 32] samples scaled to [0, 1] with labels 0-9.
/// </summary>
public static class Cifar10
{
    /// <summary>Where the binary version is published.</summary>
    public const string DownloadUrl = "https://www.cs.toronto.edu/~kriz/cifar.html";

    /// <summary>The folder the binary archive extracts to; <see cref="Load"/> also looks for the batches inside it.</summary>
    public const string ArchiveFolder = "cifar-10-batches-bin";

    /// <summary>Bytes per record: one label byte and 3 x 32 x 32 pixel bytes.</summary>
    public const int RecordSize = 1 + ImageSize;

    private const int ImageSize = 3 * 32 * 32;

    /// <summary>Class names in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>The batch file names of a split, in load order.</summary>
    public static IReadOnlyList<string> BatchFiles(Cifar10Split split) => split switch
    {
        Cifar10Split.Train => ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"],
        Cifar10Split.Test => ["test_batch.bin"],
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "split must be Train or Test."),
    };

    /// <summary>True when every batch file of both splits is in <paramref name="directory"/> or its <see cref="ArchiveFolder"/> subfolder.</summary>
    public static bool IsAvailable(string directory) =>
        !string.IsNullOrEmpty(directory) && Directory.Exists(directory) &&
        Enum.GetValues<Cifar10Split>().All(s => BatchFiles(s).All(f => File.Exists(Path.Combine(BatchDirectory(directory, s), f))));

    /// <summary>
    /// Loads a split from <paramref name="directory"/> (the extracted <see cref="ArchiveFolder"/> or its parent);
    /// <paramref name="limit"/> keeps only the first samples (for quick runs) and reads no more of the files than needed.
    /// </summary>
    public static TensorDataset Load(string directory, Cifar10Split split, int? limit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (limit is int l)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(l, nameof(limit));
        }

        var (paths, records) = ResolveBatches(directory, split);
        long total = records.Sum();
        int count = (int)Math.Min(Math.Min(total, limit ?? int.MaxValue), Array.MaxLength / ImageSize);
        var features = new float[(long)count * ImageSize];
        var labels = new int[count];
        var record = new byte[RecordSize];
        int sample = 0;
        for (int f = 0; f < paths.Length && sample < count; f++)
        {
            using var stream = new FileStream(paths[f], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            for (long r = 0; r < records[f] && sample < count; r++, sample++)
            {
                if (stream.ReadAtLeast(record, RecordSize, throwOnEndOfStream: false) < RecordSize)
                {
                    throw new InvalidDataException($"CIFAR-10 batch file '{paths[f]}' ended inside record {r} (it shrank while being read).");
                }

                if (record[0] > 9)
                {
                    throw new InvalidDataException($"CIFAR-10 batch file '{paths[f]}' record {r} (byte offset {r * RecordSize}) has label {record[0]}; labels must be 0-9.");
                }

                labels[sample] = record[0];
                var pixels = features.AsSpan(sample * ImageSize, ImageSize);
                for (int i = 0; i < ImageSize; i++)
                {
                    pixels[i] = record[i + 1] / 255f;
                }
            }
        }

        return new TensorDataset(features, labels, 3, 32, 32);
    }

    /// <summary>The batch files of a split and their record counts; throws naming a missing or wrongly sized file.</summary>
    internal static (string[] Paths, long[] Records) ResolveBatches(string directory, Cifar10Split split)
    {
        var files = BatchFiles(split);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"CIFAR-10 directory '{directory}' does not exist. Download the binary version (cifar-10-binary.tar.gz, \"CIFAR-10 binary version (suitable for C programs)\") from {DownloadUrl}, extract it and pass the '{ArchiveFolder}' folder (or its parent).");
        }

        string batchDirectory = BatchDirectory(directory, split);
        var paths = files.Select(f => Path.Combine(batchDirectory, f)).ToArray();
        var records = new long[paths.Length];
        for (int i = 0; i < paths.Length; i++)
        {
            if (!File.Exists(paths[i]))
            {
                throw new FileNotFoundException($"CIFAR-10 batch file '{paths[i]}' does not exist; the {split} split needs {string.Join(", ", files)} in '{directory}' or its '{ArchiveFolder}' subfolder (the binary version from {DownloadUrl}, extracted).", paths[i]);
            }

            long size = new FileInfo(paths[i]).Length;
            if (size % RecordSize != 0)
            {
                throw new InvalidDataException($"CIFAR-10 batch file '{paths[i]}' has {size} bytes, not a multiple of the {RecordSize}-byte record (1 label byte + {ImageSize} pixel bytes); is it the binary version, complete?");
            }

            records[i] = size / RecordSize;
        }

        return (paths, records);
    }

    private static string BatchDirectory(string directory, Cifar10Split split)
    {
        string first = BatchFiles(split)[0];
        string nested = Path.Combine(directory, ArchiveFolder);
        return !File.Exists(Path.Combine(directory, first)) && Directory.Exists(nested) ? nested : directory;
    }
}
