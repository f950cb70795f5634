namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>A row-major B (or B^T when <c>transposed</c>) in an array, as a <see cref="IPanelSource"/>.</summary>
internal readonly unsafe struct DenseMatrixPanels(float[] array, int offset, int ld, bool transposed) : IPanelSource
{
    /// <inheritdoc />
    public void Pack(int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        fixed (float* b = array)
        {
            Gemm.PackB(transposed, b + offset, ld, p0, j0, kc, nc, nr, dst);
        }
    }
}
