namespace ClassyNet.MLNet.Data;

/// <summary>SVHN's X, column-major [32, 32, 3, N] bytes as the MAT-file stores them, transposed to [3, 32, 32] per image on read.</summary>
internal sealed class SvhnImageSource(string name, byte[] x, int[] labels) : ImageSource(name, labels.Length, 3, 32, 32)
{
    public override ImageReader OpenReader() => new Reader(x, labels);

    private sealed class Reader(byte[] x, int[] labels) : ImageReader
    {
        public override int Read(long index, Span<byte> pixels)
        {
            int sample = checked((int)(index * 3072));
            for (int c = 0; c < 3; c++)
            {
                for (int w = 0; w < 32; w++)
                {
                    int column = sample + (c * 1024) + (w * 32);
                    for (int h = 0; h < 32; h++)
                    {
                        pixels[(c * 1024) + (h * 32) + w] = x[column + h];
                    }
                }
            }

            return labels[index];
        }
    }
}
