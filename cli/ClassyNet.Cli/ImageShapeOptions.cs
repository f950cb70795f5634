using System.CommandLine;

namespace ClassyNet.Cli;

/// <summary>
/// <c>--image-size N</c> and <c>--channels 1|3</c> of <c>classynet train</c>: the [C, N, N] shape that images of a
/// <c>folder:</c> dataset are resized to (default [3, 32, 32]). The other commands take the shape from the model.
/// </summary>
internal sealed class ImageShapeOptions
{
    public Option<int?> Size { get; } = new("--image-size") { Description = $"Image folders (--dataset folder:ROOT) only: resize the images to N x N pixels (default {ImageFolderDataset.DefaultImageSize})." };

    public Option<int?> Channels { get; } = new("--channels") { Description = "Image folders (--dataset folder:ROOT) only: 3 (RGB, default) or 1 (grey) channels." };

    public void AddTo(Command command)
    {
        command.Options.Add(Size);
        command.Options.Add(Channels);
    }

    /// <summary>
    /// The shape asked for, or null when neither option was given; refuses values out of range and the options on a
    /// dataset other than <c>folder:</c> (<paramref name="dataset"/>), whose images have their own size.
    /// </summary>
    public int[]? Shape(ParseResult result, string? dataset)
    {
        int? size = result.GetValue(Size), channels = result.GetValue(Channels);
        if (size is null && channels is null)
        {
            return null;
        }

        if (!ImageFolderDataset.TryParse(dataset, out _))
        {
            throw new CliException($"--image-size and --channels apply to --dataset folder:ROOT only; '{dataset}' has images of its own size.");
        }

        if (size is < 4 or > 1024)
        {
            throw new CliException($"--image-size must be 4..1024 pixels; got {size}.");
        }

        if (channels is not (null or 1 or 3))
        {
            throw new CliException($"--channels must be 1 (grey) or 3 (RGB); got {channels}.");
        }

        int n = size ?? ImageFolderDataset.DefaultImageSize;
        return [channels ?? ImageFolderDataset.DefaultChannels, n, n];
    }
}
