using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet;

/// <content>File and image-dataset loaders.</content>
public sealed partial class DataOperationsCatalog
{
    /// <summary>
    /// Streams a delimited text file (ML.NET defaults: tab separated, no header, no quoting, no trimming): one column per
    /// <see cref="LoadColumnAttribute"/> member of <typeparamref name="TInput"/>, a range of fields making a vector. Empty
    /// or "?" numeric fields read as NaN. A line with too few fields or a field that does not parse throws
    /// <see cref="InvalidDataException"/> naming the line and column when a cursor reaches it.
    /// </summary>
    public IDataView LoadFromTextFile<TInput>(string path, char separatorChar = '\t', bool hasHeader = false, bool allowQuoting = false, bool trimWhitespace = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Text file '{path}' does not exist.", path);
        }

        return new TextLoaderView(typeof(TInput), path, new DelimitedTextParser(separatorChar, allowQuoting, trimWhitespace), hasHeader);
    }

    /// <summary>
    /// Images and labels from two IDX files (optionally gzipped): images [N, H, W] (one channel) or [N, C, H, W], labels
    /// [N]. Columns <c>Label</c> (Single) and <c>Features</c> (Vector&lt;Single&gt; [C, H, W], pixels / 255); pixels stay
    /// bytes until read. Wrong magic numbers, truncated files and counts that disagree throw <see cref="InvalidDataException"/>.
    /// </summary>
    public IDataView LoadIdx(string imagesPath, string labelsPath)
    {
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        return FromIdx(images, labels, imagesPath, labelsPath, maxLabel: null, classNames: null);
    }

    /// <summary>
    /// A Fashion-MNIST split from its gzipped IDX files in <paramref name="directory"/> (Debian's dataset-fashion-mnist
    /// installs them in <see cref="FashionMnist.DefaultDirectory"/>): <c>Label</c> 0-9 and <c>Features</c> [1, 28, 28].
    /// </summary>
    public IDataView LoadFashionMnist(string directory, FashionMnistSplit split)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Fashion-MNIST directory '{directory}' does not exist. Install the data with 'apt-get install dataset-fashion-mnist' (files go to {FashionMnist.DefaultDirectory}) or pass the folder holding the *-idx?-ubyte.gz files.");
        }

        string imagesPath = FashionMnist.FilePath(directory, split, images: true);
        string labelsPath = FashionMnist.FilePath(directory, split, images: false);
        var images = IdxFile.Read(imagesPath);
        if (images.Dimensions.Count != 3 || images.Dimensions[1] != 28 || images.Dimensions[2] != 28)
        {
            throw new InvalidDataException($"Fashion-MNIST images '{imagesPath}' have dimensions [{string.Join(", ", images.Dimensions)}], expected [N, 28, 28].");
        }

        return FromIdx(images, IdxFile.Read(labelsPath), imagesPath, labelsPath, maxLabel: 9, FashionMnist.ClassNames);
    }

    /// <summary>
    /// A CIFAR-10 split from the binary version's batch files in <paramref name="directory"/> (the extracted
    /// <c>cifar-10-batches-bin</c> folder or its parent): <c>Label</c> 0-9 and <c>Features</c> [3, 32, 32]. Records are
    /// read from the files as cursors reach them; files of the wrong size throw at once.
    /// </summary>
    public IDataView LoadCifar10(string directory, Cifar10Split split)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (paths, records) = Cifar10.ResolveBatches(directory, split);
        return new ImageDataView(new Cifar10ImageSource($"CIFAR-10 {split}", paths, records), Cifar10.ClassNames);
    }

    /// <summary>
    /// An SVHN cropped-digits MAT-file (<c>train_32x32.mat</c>, <c>test_32x32.mat</c>, <c>extra_32x32.mat</c>):
    /// <c>Label</c> 0-9 (the digit; the file's 10 becomes 0) and <c>Features</c> [3, 32, 32].
    /// </summary>
    public IDataView LoadSvhn(string matFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(matFile);
        if (!File.Exists(matFile))
        {
            throw new FileNotFoundException($"SVHN file '{matFile}' does not exist. Download train_32x32.mat, test_32x32.mat or extra_32x32.mat (format 2, cropped digits) from {Svhn.DownloadUrl}.", matFile);
        }

        var mat = MatFile.Read(matFile);
        var (x, y, n) = Svhn.CheckLayout(mat, matFile);
        var labels = Svhn.ReadLabels(y, n, matFile);
        byte[] pixels;
        if (x.Class == MatClass.UInt8)
        {
            pixels = x.GetValues<byte>();
        }
        else
        {
            pixels = new byte[x.Count];
            for (int i = 0; i < pixels.Length; i++)
            {
                double v = x.GetDouble(i);
                pixels[i] = v >= 0 && v <= 255 && v == Math.Floor(v) ? (byte)v
                    : throw new InvalidDataException($"SVHN file '{matFile}': X element {i} (sample {i / 3072}) is {v}; pixels must be integers 0-255.");
            }
        }

        return new ImageDataView(new SvhnImageSource($"SVHN '{matFile}'", pixels, labels), Svhn.ClassNames);
    }

    private static ImageDataView FromIdx(IdxFile images, IdxFile labels, string imagesPath, string labelsPath, int? maxLabel, IReadOnlyList<string>? classNames)
    {
        var d = images.Dimensions;
        var (c, h, w) = d.Count switch
        {
            3 => (1, d[1], d[2]),
            4 => (d[1], d[2], d[3]),
            _ => throw new InvalidDataException($"IDX images '{imagesPath}' have dimensions [{string.Join(", ", d)}]; expected [N, H, W] or [N, C, H, W]."),
        };
        if (c * h * w == 0)
        {
            throw new InvalidDataException($"IDX images '{imagesPath}' have dimensions [{string.Join(", ", d)}]; images must not be empty.");
        }

        if (labels.Dimensions.Count != 1 || labels.Count != images.Count)
        {
            throw new InvalidDataException($"IDX labels '{labelsPath}' have dimensions [{string.Join(", ", labels.Dimensions)}] but '{imagesPath}' holds {images.Count} images; expected [{images.Count}].");
        }

        if (maxLabel is int max)
        {
            int bad = Array.FindIndex(labels.Data, l => l > max);
            if (bad >= 0)
            {
                throw new InvalidDataException($"IDX labels '{labelsPath}': label {bad} is {labels.Data[bad]}; labels must be 0-{max}.");
            }
        }

        return new ImageDataView(new InMemoryImageSource(Path.GetFileName(imagesPath), images.Data, labels.Data, c, h, w), classNames);
    }
}
