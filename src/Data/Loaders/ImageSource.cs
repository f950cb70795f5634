namespace ClassyNet.MLNet.Data;

/// <summary>
/// Labelled 8-bit images kept in their compact source form (bytes in memory or records in files), read one at a time
/// by <see cref="ImageDataView"/> and only then widened to floats.
/// </summary>
internal abstract class ImageSource
{
    protected ImageSource(string name, long count, int channels, int height, int width)
    {
        Name = name;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>The dataset, for messages.</summary>
    public string Name { get; }

    public long Count { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public int ImageSize => Channels * Height * Width;

    /// <summary>A reader for one cursor (it may hold file handles).</summary>
    public abstract ImageReader OpenReader();
}
