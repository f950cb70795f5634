namespace ClassyNet.Build.GlibcxxCompat;

/// <summary>A dynamic symbol: its index in .dynsym, its name and its version index (.gnu.version).</summary>
internal sealed record ElfSymbol(int Index, string Name, ushort Version);
