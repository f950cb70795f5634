using ClassyNet.MLNet.Data;

namespace ClassyNet.Edge.App;

/// <summary>Samples for the edge program: IDX image files (MNIST / Fashion-MNIST layout, pixels scaled to [0, 1] as the library's loaders do).</summary>
internal static class EdgeInputs
{
    /// <summary>Reads <paramref name="imagesPath"/> (and labels, if given), at most <paramref name="limit"/> samples, checking the sample size against the package.</summary>
    public static (float[] Inputs, int[]? Labels, int Count) Read(string imagesPath, string? labelsPath, int? limit, int sampleSize)
    {
        var images = IdxFile.Read(imagesPath);
        if (images.ItemSize != sampleSize)
        {
            throw new InvalidDataException($"'{imagesPath}' holds items of {images.ItemSize} values ([{string.Join(", ", images.Dimensions.Skip(1))}]) but the edge part takes samples of {sampleSize}.");
        }

        int count = Math.Min(images.Count, limit ?? int.MaxValue);
        var inputs = new float[count * sampleSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = images.Data[i] / 255f;
        }

        int[]? labels = null;
        if (labelsPath is not null)
        {
            var file = IdxFile.Read(labelsPath);
            if (file.Count < count || file.ItemSize != 1)
            {
                throw new InvalidDataException($"'{labelsPath}' holds {file.Count} labels of {file.ItemSize} value(s); expected at least {count} single labels.");
            }

            labels = file.Data.Take(count).Select(b => (int)b).ToArray();
        }

        return (inputs, labels, count);
    }
}
