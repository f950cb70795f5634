namespace ClassyNet.MLNet.Data;

/// <summary>Images as one byte array, sample-major and [C, H, W] within a sample (the IDX layout), with a label per image.</summary>
internal sealed class InMemoryImageSource : ImageSource
{
    private readonly byte[] pixels;
    private readonly byte[] labels;

    public InMemoryImageSource(string name, byte[] pixels, byte[] labels, int channels, int height, int width)
        : base(name, labels.Length, channels, height, width)
    {
        this.pixels = pixels;
        this.labels = labels;
    }

    public override ImageReader OpenReader() => new Reader(this);

    private sealed class Reader(InMemoryImageSource source) : ImageReader
    {
        public override int Read(long index, Span<byte> pixels)
        {
            int size = source.ImageSize;
            source.pixels.AsSpan(checked((int)(index * size)), size).CopyTo(pixels);
            return source.labels[index];
        }
    }
}
