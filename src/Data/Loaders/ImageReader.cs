namespace ClassyNet.MLNet.Data;

/// <summary>Reads images of an <see cref="ImageSource"/> by index.</summary>
internal abstract class ImageReader : IDisposable
{
    /// <summary>Writes image <paramref name="index"/> as [C, H, W] bytes into <paramref name="pixels"/> and returns its label.</summary>
    public abstract int Read(long index, Span<byte> pixels);

    public virtual void Dispose()
    {
    }
}
