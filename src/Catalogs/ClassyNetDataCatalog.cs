using ClassyNet.MLNet.Data;
using Microsoft.ML;

namespace ClassyNet.MLNet;

/// <summary>
/// Image datasets as streaming ML.NET data views, on ML.NET's data catalog (<c>mlContext.Data.LoadFashionMnist(...)</c>
/// and the like; <c>LoadImageFolder</c> for a folder of image files, see its own description). Each of the others has <c>Label</c> (Single, the class 0..9) and <c>Features</c> (Vector&lt;Single&gt; [C, H, W],
/// pixels / 255); pixels stay bytes until a cursor reads a row, cursors can shuffle, and a file that is not what it
/// should be gives an <see cref="InvalidDataException"/> naming it. Map the label to a key with
/// <c>mlContext.Transforms.Conversion.MapValueToKey("Label")</c> before a ClassyNet trainer.
/// </summary>
public static class ClassyNetDataCatalog
{
    /// <summary>
    /// Images and labels from two IDX files (optionally gzipped): images [N, H, W] (one channel) or [N, C, H, W], labels
    /// [N]. Wrong magic numbers, truncated files and counts that disagree throw <see cref="InvalidDataException"/>.
    /// </summary>
    /// <param name="catalog">ML.NET's data catalog.</param>
    /// <param name="imagesPath">The images file.</param>
    /// <param name="labelsPath">The labels file.</param>
    public static IDataView LoadIdx(this DataOperationsCatalog catalog, string imagesPath, string labelsPath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        return FromIdx(images, labels, imagesPath, labelsPath, maxLabel: null);
    }

    /// <summary>
    /// A Fashion-MNIST split from its gzipped IDX files in <paramref name="directory"/> (Debian's dataset-fashion-mnist
    /// installs them in <see cref="FashionMnist.DefaultDirectory"/>): <c>Label</c> 0-9 (<see cref="FashionMnist.ClassNames"/>)
    /// and <c>Features</c> [1, 28, 28].
    /// </summary>
    /// <param name="catalog">ML.NET's data catalog.</param>
    /// <param name="directory">The folder holding the four <c>*-idx?-ubyte.gz</c> files.</param>
    /// <param name="split">Train (60,000 images) or Test (10,000).</param>
    public static IDataView LoadFashionMnist(this DataOperationsCatalog catalog, string directory, FashionMnistSplit split)
    {
        ArgumentNullException.ThrowIfNull(catalog);
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

        return FromIdx(images, IdxFile.Read(labelsPath), imagesPath, labelsPath, maxLabel: 9);
    }

    /// <summary>
    /// A CIFAR-10 split from the binary version's batch files in <paramref name="directory"/> (the extracted
    /// <c>cifar-10-batches-bin</c> folder or its parent): <c>Label</c> 0-9 (<see cref="Cifar10.ClassNames"/>) and
    /// <c>Features</c> [3, 32, 32]. Records are read from the files as cursors reach them; files of the wrong size throw
    /// at once, a bad label when a cursor reaches it.
    /// </summary>
    /// <param name="catalog">ML.NET's data catalog.</param>
    /// <param name="directory">The folder holding the batch files.</param>
    /// <param name="split">Train (data_batch_1..5) or Test (test_batch).</param>
    public static IDataView LoadCifar10(this DataOperationsCatalog catalog, string directory, Cifar10Split split)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (paths, records) = Cifar10.ResolveBatches(directory, split);
        return new ImageDataView(new Cifar10ImageSource($"CIFAR-10 {split}", paths, records));
    }

    /// <summary>
    /// An SVHN cropped-digits MAT-file (<c>train_32x32.mat</c>, <c>test_32x32.mat</c>, <c>extra_32x32.mat</c>):
    /// <c>Label</c> 0-9 (the digit; the file's 10 becomes 0) and <c>Features</c> [3, 32, 32].
    /// </summary>
    /// <param name="catalog">ML.NET's data catalog.</param>
    /// <param name="matFile">The MAT-file.</param>
    public static IDataView LoadSvhn(this DataOperationsCatalog catalog, string matFile)
    {
        ArgumentNullException.ThrowIfNull(catalog);
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

        return new ImageDataView(new SvhnImageSource($"SVHN '{matFile}'", pixels, labels));
    }

    /// <summary>
    /// A folder of labelled images, one sub-folder per class (<c>root/&lt;class&gt;/&lt;image&gt;.png</c>), as a data view of
    /// <c>ImagePath</c> (Text, full path) and <c>Label</c> (Text, the class folder's name) for ML.NET's image transforms:
    /// <c>MapValueToKey("Label")</c> (the class names become the key's KeyValues), <c>LoadImages</c>,
    /// <c>ResizeImages</c>, optionally <c>ConvertToGrayscale</c>, and <c>ExtractPixels</c> (Features [C, H, W]).
    /// Only paths are listed here; pixels are read when a cursor reaches a row. Non-image files are skipped and listed in
    /// <see cref="ImageFolderDataView.SkippedPaths"/>; a file with an image extension that is not an image stops loading
    /// with an <see cref="InvalidDataException"/> naming it (see <see cref="ImageFolderDataView"/> for every rule).
    /// </summary>
    /// <param name="catalog">ML.NET's data catalog.</param>
    /// <param name="root">The folder holding one sub-folder per class.</param>
    /// <returns>The view, with the classes found (<see cref="ImageFolderDataView.ClassNames"/>), the empty class folders and the skipped paths.</returns>
    public static ImageFolderDataView LoadImageFolder(this DataOperationsCatalog catalog, string root)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImageFolderDataView(root);
    }

    private static ImageDataView FromIdx(IdxFile images, IdxFile labels, string imagesPath, string labelsPath, int? maxLabel)
    {
        var d = images.Dimensions;
        var (c, h, w) = d.Count switch
        {
            3 => (1, d[1], d[2]),
            4 => (d[1], d[2], d[3]),
            _ => throw new InvalidDataException($"IDX images '{imagesPath}' have dimensions [{string.Join(", ", d)}]; expected [N, H, W] or [N, C, H, W]."),
        };
        if ((long)c * h * w == 0)
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

        return new ImageDataView(new InMemoryImageSource(Path.GetFileName(imagesPath), images.Data, labels.Data, c, h, w));
    }
}
