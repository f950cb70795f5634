namespace ClassyNet.Build.GlibcxxCompat;

/// <summary>
/// One required version of a needed library (an Elf64_Vernaux entry): e.g. GLIBCXX_3.4.32 of libstdc++.so.6, the
/// version index symbols use to refer to it, its flags (VER_FLG_WEAK = 2) and the entry's byte offset in the file.
/// </summary>
internal sealed record ElfVersionNeed(string Library, string Version, ushort Index, ushort Flags, int EntryOffset)
{
    /// <summary>The flag that makes the loader accept a library without this version (glibc: "weak version").</summary>
    public const ushort WeakFlag = 2;

    /// <summary>Whether the need is already weak.</summary>
    public bool IsWeak => (Flags & WeakFlag) != 0;
}
