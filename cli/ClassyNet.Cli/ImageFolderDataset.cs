using System.Globalization;
using ClassyNet.MLNet;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace ClassyNet.Cli;

/// <summary>
/// <c>--dataset folder:ROOT</c>: the user's own images, one sub-folder per class (<c>ROOT/&lt;class&gt;/&lt;image&gt;</c>,
/// as <c>mlContext.Data.LoadImageFolder</c> reads them), decoded and resized by ML.NET's image transforms (LoadImages,
/// ResizeImages, ConvertToGrayscale for one channel, ExtractPixels) to [C, N, N] samples in [0, 1]. When ROOT has both a
/// <c>train</c> and a <c>test</c> sub-folder, each split reads its own (ROOT/train/&lt;class&gt;/...); otherwise every
/// split reads ROOT itself (so pass separate folders, or hold data out with --validation-fraction). Rows are read in a
/// fixed shuffled order (seed 1), so <c>--limit N</c> takes N images from every class alike and a rerun reads the same
/// ones. Class names are the folder names: sorted at training and stored in the model, matched by name at evaluation.
/// </summary>
internal static class ImageFolderDataset
{
    /// <summary>The prefix of the dataset name.</summary>
    public const string Prefix = "folder:";

    /// <summary>Default side of the resized images.</summary>
    public const int DefaultImageSize = 32;

    /// <summary>Default channels (RGB).</summary>
    public const int DefaultChannels = 3;

    private const int OrderSeed = 1;

    /// <summary>True when <paramref name="dataset"/> is <c>folder:ROOT</c>; <paramref name="root"/> is ROOT.</summary>
    public static bool TryParse(string? dataset, out string root)
    {
        string text = (dataset ?? string.Empty).Trim();
        bool prefixed = text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);
        root = prefixed ? text[Prefix.Length..].Trim() : string.Empty;
        if ((prefixed && root.Length == 0) || text.Equals("folder", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException("--dataset folder needs its root folder: --dataset folder:path/to/images (one sub-folder per class).");
        }

        return root.Length > 0;
    }

    /// <summary>
    /// The image shape a model was trained on: its training samples' shape (metadata <c>sampleShape</c>, written by
    /// <c>train</c>) or its input shape when that is [C, H, W]; null when neither is an image shape.
    /// </summary>
    public static int[]? ImageShape(ClassyNetModel model)
    {
        if (model.Metadata.TryGetValue("sampleShape", out var text))
        {
            var parts = text.Split(',');
            var dims = parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) ? d : 0).ToArray();
            if (dims.Length == 3 && dims.All(d => d > 0))
            {
                return dims;
            }
        }

        return model.InputShape.Count == 3 ? [.. model.InputShape] : null;
    }

    /// <summary>
    /// Loads <paramref name="split"/> of the folder dataset at <paramref name="root"/> as [C, N, N] samples
    /// (<paramref name="imageShape"/>, default [3, 32, 32]); with <paramref name="knownClassNames"/> (a model's classes)
    /// the folders are matched to them by name, else the classes are the folders found, in order.
    /// </summary>
    public static (TensorDataset Data, IReadOnlyList<string> ClassNames) Load(string root, string? data, string split, int? limit, IReadOnlyList<string>? knownClassNames, IReadOnlyList<int>? imageShape, CliOutput? output)
    {
        if (data is not null)
        {
            throw new CliException($"--dataset folder:{root} names its folder already; drop --data '{data}'.");
        }

        if (!Directory.Exists(root))
        {
            throw new CliException($"Image folder '{root}' does not exist; --dataset folder:ROOT needs a folder with one sub-folder of images per class (ROOT/<class>/<image>.png), or ROOT/train/<class>/... and ROOT/test/<class>/....");
        }

        var shape = imageShape is null ? [DefaultChannels, DefaultImageSize, DefaultImageSize] : imageShape.ToArray();
        if (shape.Length != 3 || shape[0] is not (1 or 3) || shape[1] != shape[2] || shape[1] < 4)
        {
            throw new CliException($"Image folders are read as [C, N, N] with C = 1 or 3 and N >= 4; the model or options ask for [{string.Join(", ", shape)}].");
        }

        string train = Path.Combine(root, "train"), test = Path.Combine(root, "test");
        bool splitFolders = Directory.Exists(train) && Directory.Exists(test);
        string folder = !splitFolders ? root : split == "test" ? test : train;

        var ml = new MLContext(seed: OrderSeed);
        var view = ml.Data.LoadImageFolder(folder);
        string name = Prefix + root;
        if (output is not null && (view.SkippedPaths.Count > 0 || view.EmptyClassFolders.Count > 0))
        {
            output.Warn($"{name}: " + string.Join("; ", new[]
            {
                view.SkippedPaths.Count == 0 ? null : $"skipped {view.SkippedPaths.Count} entries that are not images of a class (e.g. '{Path.GetRelativePath(folder, view.SkippedPaths[0])}')",
                view.EmptyClassFolders.Count == 0 ? null : $"class folders without images: {string.Join(", ", view.EmptyClassFolders)}",
            }.Where(s => s is not null)) + ".");
        }

        var names = knownClassNames ?? view.ClassNames;
        if (names.Count < 2)
        {
            throw new CliException($"Image folder '{folder}' has a single class folder ('{view.ClassNames[0]}'); training needs at least two (one sub-folder per class).");
        }

        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var unknown = view.ClassNames.Where(c => !index.ContainsKey(c)).ToArray();
        if (unknown.Length > 0)
        {
            throw new CliException($"Image folder '{folder}' has class folder(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))} that the model does not know; its classes are {string.Join(", ", names.Select(n => $"'{n}'"))}.");
        }

        return (Read(ml, view, shape, index, limit), names);
    }

    /// <summary>Decodes the images through ML.NET's image transforms into a dataset, in a fixed shuffled order.</summary>
    private static TensorDataset Read(MLContext ml, ImageFolderDataView view, int[] shape, Dictionary<string, int> index, int? limit)
    {
        bool grey = shape[0] == 1;
        IEstimator<ITransformer> pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: ImageFolderDataView.ImagePathColumnName)
            .Append(ml.Transforms.ResizeImages("Image", imageWidth: shape[2], imageHeight: shape[1]));
        if (grey)
        {
            pipeline = pipeline.Append(ml.Transforms.ConvertToGrayscale("Image"));
        }

        pipeline = pipeline.Append(ml.Transforms.ExtractPixels("Features", "Image", grey ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb, scaleImage: 1f / 255));
        var images = pipeline.Fit(view).Transform(view);
        int size = shape[0] * shape[1] * shape[2];
        int count = (int)Math.Min(view.GetRowCount() ?? 0, limit ?? int.MaxValue);
        var features = new float[checked(count * size)];
        var labels = new int[count];
        var columns = new[] { images.Schema[ImageFolderDataView.ImagePathColumnName], images.Schema[ImageFolderDataView.LabelColumnName], images.Schema["Features"] };
        using var cursor = images.GetRowCursor(columns, new Random(OrderSeed));
        var getPath = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(columns[1]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(columns[2]);
        ReadOnlyMemory<char> path = default, label = default;
        VBuffer<float> pixels = default;
        for (int i = 0; i < count && cursor.MoveNext(); i++)
        {
            getPath(ref path);
            getLabel(ref label);
            try
            {
                getFeatures(ref pixels);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var inner = e;
                while (inner.InnerException is not null)
                {
                    inner = inner.InnerException;
                }

                throw new CliException($"Could not read image '{path}': {inner.Message}");
            }

            pixels.CopyTo(features.AsSpan(i * size, size));
            labels[i] = index[label.ToString()];
        }

        return new TensorDataset(features, labels, shape);
    }
}
