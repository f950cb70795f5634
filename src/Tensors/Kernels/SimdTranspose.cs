using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>8x8 single-precision register transposes for the GEMM packing routines (AVX only; callers check <see cref="Avx.IsSupported"/>).</summary>
internal static unsafe class SimdTranspose
{
    /// <summary>Stores column t of the 8x8 block whose rows are <paramref name="r0"/>..<paramref name="r7"/> at <paramref name="dst"/> + t * <paramref name="stride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8x8(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        float* dst, int stride)
    {
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(s0, s4, 0x20).Store(dst);
        Avx.Permute2x128(s1, s5, 0x20).Store(dst + stride);
        Avx.Permute2x128(s2, s6, 0x20).Store(dst + 2 * stride);
        Avx.Permute2x128(s3, s7, 0x20).Store(dst + 3 * stride);
        Avx.Permute2x128(s0, s4, 0x31).Store(dst + 4 * stride);
        Avx.Permute2x128(s1, s5, 0x31).Store(dst + 5 * stride);
        Avx.Permute2x128(s2, s6, 0x31).Store(dst + 6 * stride);
        Avx.Permute2x128(s3, s7, 0x31).Store(dst + 7 * stride);
    }
}
