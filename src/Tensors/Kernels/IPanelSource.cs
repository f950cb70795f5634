namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>
/// The B operand of <see cref="Gemm"/> as something that can write its packed panels: a [k x n] matrix that packs
/// B[p0..p0+kc, j0..j0+nc] into NR-column panels, each kc x NR with the column index fastest, zero-padded to NR.
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>Writes the panels of the block starting at depth <paramref name="p0"/> and column <paramref name="j0"/> to <paramref name="dst"/>.</summary>
    void Pack(int p0, int j0, int kc, int nc, int nr, float* dst);
}
