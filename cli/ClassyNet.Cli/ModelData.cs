using System.Globalization;
using ClassyNet.MLNet;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Training;
using Microsoft.ML;

namespace ClassyNet.Cli;

/// <summary>Loads model bundles and the data to run them on, checking that the two fit.</summary>
internal static class ModelData
{
    public static ClassyNetModel LoadModel(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException(Directory.Exists(path) ? $"Model '{path}' is a folder; pass the model zip written by 'classynet train'." : $"Model file '{path}' does not exist.");
        }

        return ClassyNetModel.Load(path);
    }

    /// <summary>
    /// Opens <paramref name="split"/> (train, test, or validation = the part of the training split the model held out,
    /// recovered from its metadata) for reading in batches, and checks class count and sample size against the model.
    /// Image data sets stream (pixels stay bytes until a batch is read); a validation part is gathered into memory.
    /// </summary>
    public static (SampleSource Data, string Description) Load(ClassyNetModel model, string modelPath, string dataset, string? data, string split, int? limit, string? labelColumn, CliOutput output)
    {
        string name = DataSource.Normalize(dataset);
        split = split.Trim().ToLowerInvariant();
        if (split is not ("train" or "test" or "validation"))
        {
            throw new CliException($"Unknown --split '{split}'; expected train, test or validation.");
        }

        CliParsing.Require(limit is not < 1, "--limit", "a whole number >= 1", limit.GetValueOrDefault());

        labelColumn ??= model.Metadata.TryGetValue("labelColumn", out var lc) && lc.Length > 0 ? lc : null;
        var knownNames = name == "csv" || name.StartsWith(ImageFolderDataset.Prefix, StringComparison.Ordinal) ? model.ClassNames : null;
        var imageShape = ImageFolderDataset.ImageShape(model);
        SampleSource loaded;
        string description;
        if (split == "validation")
        {
            float fraction = Meta(model, "validationFraction", 0f);
            int seed = (int)Meta(model, "seed", 0f);
            int? trainLimit = model.Metadata.TryGetValue("trainLimit", out var tl) && int.TryParse(tl, CultureInfo.InvariantCulture, out int t) ? t : null;
            loaded = Open(name, data, "train", trainLimit, labelColumn, knownNames, imageShape, output);
            var held = MultiExitTrainer.ValidationIndices(loaded.Count, fraction, seed);
            if (held.Length == 0)
            {
                output.Warn($"model '{modelPath}' held out no validation data (validationFraction {fraction}); using the training split instead.");
                description = $"{name} train split";
                if (limit is int l && l < loaded.Count)
                {
                    loaded = SampleSource.FromDataset(loaded.Gather(Enumerable.Range(0, l).ToArray()), loaded.ClassNames);
                }
            }
            else
            {
                loaded = SampleSource.FromDataset(loaded.Gather(limit is int l && l < held.Length ? held[..l] : held), loaded.ClassNames);
                description = $"{name} validation split ({CliOutput.Percent(fraction)} of the training data held out at training, seed {seed})";
            }
        }
        else
        {
            loaded = Open(name, data, split, limit, labelColumn, knownNames, imageShape, output);
            description = $"{name} {split} split";
        }

        var names = loaded.ClassNames;
        if (names.Count != model.ClassCount)
        {
            throw new CliException($"Model '{modelPath}' has {model.ClassCount} classes but {name} has {names.Count}; evaluate a model on the kind of data it was trained on" +
                (model.Metadata.TryGetValue("dataset", out var ds) ? $" (it was trained on {ds})." : "."));
        }

        int maxLabel = loaded.Count == 0 ? -1 : loaded.Labels.Max();
        if (maxLabel >= model.ClassCount)
        {
            // CSV data with numeric labels beyond the model's classes: the class counts differ.
            throw new CliException($"Model '{modelPath}' has {model.ClassCount} classes (0..{model.ClassCount - 1}) but {name} data has labels up to {maxLabel} ({maxLabel + 1} classes); evaluate a model on the kind of data it was trained on" +
                (model.Metadata.TryGetValue("dataset", out var trainedOn) ? $" (it was trained on {trainedOn})." : "."));
        }

        int size = model.InputShape.Aggregate(1, (a, d) => a * d);
        if (loaded.SampleSize != size)
        {
            throw new CliException($"Model '{modelPath}' expects inputs of shape [{string.Join(", ", model.InputShape)}] but {name} has samples of shape [{string.Join(", ", loaded.SampleShape)}]" +
                (model.Metadata.TryGetValue("dataset", out var ds2) ? $" (the model was trained on {ds2})." : "."));
        }

        if (loaded.Count == 0)
        {
            throw new CliException($"The {description} is empty.");
        }

        return (loaded, $"{description}, {loaded.Count} samples");
    }

    /// <summary>
    /// A split as a batch source: the image data sets as ML.NET data views read batch by batch; anything else (CSV, and
    /// any data set whose files are missing, so that <see cref="DataSource.Load"/> reports how to get them) through
    /// <see cref="DataSource.Load"/>.
    /// </summary>
    private static SampleSource Open(string name, string? data, string split, int? limit, string? labelColumn, IReadOnlyList<string>? knownClassNames, IReadOnlyList<int>? imageShape, CliOutput output)
    {
        bool train = split == "train";
        var catalog = new MLContext(seed: 0).Data;
        switch (name)
        {
            case "fashion-mnist" when FashionMnist.IsAvailable(data ?? FashionMnist.DefaultDirectory):
                return SampleSource.FromDataView(catalog.LoadFashionMnist(data ?? FashionMnist.DefaultDirectory, train ? FashionMnistSplit.Train : FashionMnistSplit.Test), [1, 28, 28], FashionMnist.ClassNames, limit);
            case "cifar10" when data is not null && Cifar10.IsAvailable(data):
                return SampleSource.FromDataView(catalog.LoadCifar10(data, train ? Cifar10Split.Train : Cifar10Split.Test), [3, 32, 32], Cifar10.ClassNames, limit);
            case "svhn" when data is not null && File.Exists(SvhnFile(data, train)):
                return SampleSource.FromDataView(catalog.LoadSvhn(SvhnFile(data, train)), [3, 32, 32], Svhn.ClassNames, limit);
            default:
                var (loaded, names) = DataSource.Load(name, data, split, limit, labelColumn, knownClassNames, imageShape, output);
                return SampleSource.FromDataset(loaded, names);
        }
    }

    /// <summary>The SVHN file of a split: <paramref name="data"/> itself, or the split's file in that folder.</summary>
    private static string SvhnFile(string data, bool train) => Directory.Exists(data) ? Path.Combine(data, train ? "train_32x32.mat" : "test_32x32.mat") : data;

    public static IReadOnlyList<string> ClassNames(ClassyNetModel model) =>
        model.ClassNames ?? Enumerable.Range(0, model.ClassCount).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static float Meta(ClassyNetModel model, string key, float fallback) =>
        model.Metadata.TryGetValue(key, out var v) && float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) ? f : fallback;
}
