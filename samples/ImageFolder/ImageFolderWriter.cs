using ClassyNet.MLNet.Data;
using Microsoft.ML.Data;

namespace ClassyNet.Samples.ImageFolder;

/// <summary>
/// Writes image folders in the layout <c>LoadImageFolder</c> reads (<c>root/&lt;class&gt;/&lt;image&gt;</c>) with the image
/// library ML.NET's ImageAnalytics brings (<see cref="MLImage"/>, SkiaSharp): Fashion-MNIST images as PNG files, or a
/// small synthetic colour set that needs no dataset. Used by the ImageFolder sample and by the tests.
/// </summary>
internal static class ImageFolderWriter
{
    /// <summary>The classes of the synthetic colour set: the colour of the square in each image.</summary>
    public static IReadOnlyList<string> ColourClasses { get; } = ["blue", "green", "red", "yellow"];

    private static readonly (float R, float G, float B)[] Colours = [(0.15f, 0.25f, 0.9f), (0.15f, 0.8f, 0.2f), (0.9f, 0.15f, 0.1f), (0.95f, 0.85f, 0.1f)];

    /// <summary>
    /// Writes one image, [C, H, W] values in [0, 1] with C = 1 (grey) or 3 (RGB), to <paramref name="path"/>; the
    /// extension (.png, .jpg) picks the format. The file appears complete or not at all (written under a hidden
    /// temporary name, which image folders skip, then renamed).
    /// </summary>
    public static void Write(string path, ReadOnlySpan<float> chw, int channels, int height, int width)
    {
        if (channels is not (1 or 3) || chw.Length != channels * height * width)
        {
            throw new ArgumentException($"Expected [C, H, W] values with C = 1 or 3 ({channels} x {height} x {width}); got {chw.Length} values.", nameof(chw));
        }

        int plane = height * width;
        var bgra = new byte[plane * 4];
        for (int i = 0; i < plane; i++)
        {
            bgra[(4 * i) + 2] = ToByte(chw[i]);
            bgra[(4 * i) + 1] = ToByte(chw[(channels == 3 ? plane : 0) + i]);
            bgra[4 * i] = ToByte(chw[(channels == 3 ? 2 * plane : 0) + i]);
            bgra[(4 * i) + 3] = 255;
        }

        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Guid.NewGuid():N}.tmp{Path.GetExtension(full)}");
        try
        {
            using (var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra))
            {
                image.Save(temporary);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>A folder name for a class name: characters a file system refuses ('/' in "T-shirt/top") become '-'.</summary>
    public static string FolderName(string className) =>
        string.Concat(className.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c is '/' or '\\' or ':' ? '-' : c));

    /// <summary>
    /// Writes the first <paramref name="perClass"/> images of each class of <paramref name="data"/> (samples [C, H, W]
    /// in [0, 1], e.g. <c>FashionMnist.Load</c>) as PNG files <c>root/&lt;class&gt;/&lt;index&gt;.png</c>, the index
    /// being the sample's position in <paramref name="data"/>; returns how many files were written.
    /// </summary>
    public static int WriteDataset(string root, TensorDataset data, IReadOnlyList<string> classNames, int perClass)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.SampleShape.Length != 3)
        {
            throw new ArgumentException($"Expected image samples [C, H, W]; got [{string.Join(", ", data.SampleShape)}].", nameof(data));
        }

        var written = new int[classNames.Count];
        var folders = classNames.Select(n => Directory.CreateDirectory(Path.Combine(root, FolderName(n))).FullName).ToArray();
        int total = 0;
        for (int i = 0; i < data.Count && total < perClass * classNames.Count; i++)
        {
            int label = data.Labels[i];
            if (written[label] == perClass)
            {
                continue;
            }

            Write(Path.Combine(folders[label], $"{i:D5}.png"), data.Features.AsSpan(i * data.SampleSize, data.SampleSize), data.SampleShape[0], data.SampleShape[1], data.SampleShape[2]);
            written[label]++;
            total++;
        }

        return total;
    }

    /// <summary>
    /// Writes the synthetic colour set: <paramref name="perClass"/> images per class of <see cref="ColourClasses"/>, each
    /// a square of the class's colour (brightness varied) near the centre of a grey, noisy background. Sizes vary from
    /// image to image (<paramref name="minSize"/> to <paramref name="maxSize"/> pixels a side, not square), and every
    /// fifth image is a JPEG, so a pipeline must decode both formats and resize.
    /// </summary>
    public static void WriteColours(string root, int perClass, int seed, int minSize = 12, int maxSize = 24)
    {
        var rng = new Random(seed);
        for (int k = 0; k < ColourClasses.Count; k++)
        {
            string folder = Directory.CreateDirectory(Path.Combine(root, ColourClasses[k])).FullName;
            for (int n = 0; n < perClass; n++)
            {
                int h = rng.Next(minSize, maxSize + 1), w = rng.Next(minSize, maxSize + 1);
                var pixels = new float[3 * h * w];
                for (int i = 0; i < pixels.Length; i++)
                {
                    pixels[i] = 0.5f + (0.15f * (float)(rng.NextDouble() - 0.5));
                }

                // Near the centre, so that ResizeImages' default (IsoCrop: scale, then crop the centre) keeps it.
                int side = Math.Max(2, (int)(0.6 * Math.Min(h, w))), top = ((h - side) / 2) + rng.Next(-1, 2), left = ((w - side) / 2) + rng.Next(-1, 2);
                top = Math.Clamp(top, 0, h - side);
                left = Math.Clamp(left, 0, w - side);
                float scale = 0.75f + (0.25f * (float)rng.NextDouble());
                var (r, g, b) = Colours[k];
                for (int y = top; y < top + side; y++)
                {
                    for (int x = left; x < left + side; x++)
                    {
                        pixels[(y * w) + x] = r * scale;
                        pixels[(h * w) + (y * w) + x] = g * scale;
                        pixels[(2 * h * w) + (y * w) + x] = b * scale;
                    }
                }

                Write(Path.Combine(folder, $"{ColourClasses[k]}-{n:D3}{(n % 5 == 4 ? ".jpg" : ".png")}"), pixels, 3, h, w);
            }
        }
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value * 255f), 0, 255);
}
