using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Training;

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
    /// Loads <paramref name="split"/> (train, test, or validation = the part of the training split the model held out,
    /// recovered from its metadata) and checks class count and sample size against the model.
    /// </summary>
    public static (TensorDataset Data, string Description) Load(ClassyNetModel model, string modelPath, string dataset, string? data, string split, int? limit, string? labelColumn, CliOutput output)
    {
        string name = DataSource.Normalize(dataset);
        split = split.Trim().ToLowerInvariant();
        if (split is not ("train" or "test" or "validation"))
        {
            throw new CliException($"Unknown --split '{split}'; expected train, test or validation.");
        }

        labelColumn ??= model.Metadata.TryGetValue("labelColumn", out var lc) && lc.Length > 0 ? lc : null;
        TensorDataset loaded;
        IReadOnlyList<string> names;
        string description;
        if (split == "validation")
        {
            float fraction = Meta(model, "validationFraction", 0f);
            int seed = (int)Meta(model, "seed", 0f);
            int? trainLimit = model.Metadata.TryGetValue("trainLimit", out var tl) && int.TryParse(tl, CultureInfo.InvariantCulture, out int t) ? t : null;
            (loaded, names) = DataSource.Load(name, data, "train", trainLimit, labelColumn, model.ClassNames, ImageFolderDataset.ImageShape(model), output);
            var (_, held) = MultiExitTrainer.SplitValidation(loaded, fraction, seed);
            if (held is null)
            {
                output.Warn($"model '{modelPath}' held out no validation data (validationFraction {fraction}); using the training split instead.");
                description = $"{name} train split";
            }
            else
            {
                loaded = held;
                description = $"{name} validation split ({CliOutput.Percent(fraction)} of the training data held out at training, seed {seed})";
            }

            if (limit is int l && l < loaded.Count)
            {
                loaded = loaded.Subset(Enumerable.Range(0, l).ToArray());
            }
        }
        else
        {
            (loaded, names) = DataSource.Load(name, data, split, limit, labelColumn, model.ClassNames, ImageFolderDataset.ImageShape(model), output);
            description = $"{name} {split} split";
        }

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

    public static IReadOnlyList<string> ClassNames(ClassyNetModel model) =>
        model.ClassNames ?? Enumerable.Range(0, model.ClassCount).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static float Meta(ClassyNetModel model, string key, float fallback) =>
        model.Metadata.TryGetValue(key, out var v) && float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) ? f : fallback;
}
