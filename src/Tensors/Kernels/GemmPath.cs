namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>Micro-kernel family used by <see cref="Gemm"/>. Every path gives bitwise identical results.</summary>
internal enum GemmPath
{
    /// <summary>Pick the widest kernel the processor supports (AVX-512, then AVX2+FMA, then portable).</summary>
    Auto = 0,

    /// <summary>8 x 32 register tile on <c>Vector512</c> with AVX-512F fused multiply-add.</summary>
    Avx512 = 1,

    /// <summary>6 x 16 register tile on <c>Vector256</c> with FMA3.</summary>
    Avx2Fma = 2,

    /// <summary>4 x (2 * <c>Vector&lt;float&gt;.Count</c>) register tile on <c>Vector&lt;float&gt;</c> (x64, ARM64, anything else).</summary>
    Portable = 3,
}
