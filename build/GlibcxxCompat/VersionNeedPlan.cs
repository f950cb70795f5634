namespace ClassyNet.Build.GlibcxxCompat;

/// <summary>
/// What a shared object needs from one library that the system's copy of that library does not define, and whether
/// each such need can be made weak safely: it can when no relocation refers to any symbol bound to that version, so the
/// loader never looks such a symbol up and the version is only ever checked, never used.
/// </summary>
internal sealed class VersionNeedPlan
{
    private VersionNeedPlan(string library, IReadOnlyList<MissingVersion> missing)
    {
        Library = library;
        Missing = missing;
    }

    /// <summary>The needed library (soname), e.g. libstdc++.so.6.</summary>
    public string Library { get; }

    /// <summary>Versions needed from <see cref="Library"/> that the system's copy does not define.</summary>
    public IReadOnlyList<MissingVersion> Missing { get; }

    /// <summary>Whether every missing version is either already weak or safe to make weak.</summary>
    public bool CanFix => Missing.All(m => m.Need.IsWeak || m.RelocatedSymbols.Count == 0);

    /// <summary>Whether some missing version still has to be made weak.</summary>
    public bool NeedsPatch => Missing.Any(m => !m.Need.IsWeak);

    /// <summary>Compares <paramref name="image"/>'s needs from <paramref name="library"/> with the versions the system defines.</summary>
    public static VersionNeedPlan Create(ElfImage image, string library, IReadOnlySet<string> systemVersions)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(systemVersions);
        var missing = image.VersionNeeds
            .Where(n => n.Library == library && !systemVersions.Contains(n.Version))
            .Select(n =>
            {
                var bound = image.DynamicSymbols.Where(s => s.Version == n.Index).ToArray();
                return new MissingVersion(n, bound.Select(s => s.Name).ToArray(), bound.Where(s => image.RelocatedSymbols.Contains(s.Index)).Select(s => s.Name).ToArray());
            })
            .ToArray();
        return new VersionNeedPlan(library, missing);
    }

    /// <summary>
    /// Returns a copy of <paramref name="bytes"/> (the file this plan was made from) with every missing
    /// version marked weak: one flag bit per entry, nothing else changes.
    /// </summary>
    /// <exception cref="InvalidOperationException">A missing version is used by a relocation (<see cref="CanFix"/> is false).</exception>
    public byte[] Apply(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (!CanFix)
        {
            throw new InvalidOperationException(Describe());
        }

        var patched = (byte[])bytes.Clone();
        foreach (var m in Missing.Where(m => !m.Need.IsWeak))
        {
            ushort flags = (ushort)(m.Need.Flags | ElfVersionNeed.WeakFlag);
            patched[m.Need.EntryOffset + 4] = (byte)flags;
            patched[m.Need.EntryOffset + 5] = (byte)(flags >> 8);
        }

        return patched;
    }

    /// <summary>One line per missing version: its symbols and whether it is safe to weaken.</summary>
    public string Describe() => Missing.Count == 0
        ? $"the system's {Library} defines every version needed"
        : string.Join(Environment.NewLine, Missing.Select(m =>
            $"{m.Need.Version} of {Library}: " + (m.Need.IsWeak ? "already weak" :
                m.RelocatedSymbols.Count == 0
                    ? $"no relocation uses its symbols ({string.Join(", ", m.Symbols)}); safe to mark weak"
                    : $"relocations use {string.Join(", ", m.RelocatedSymbols)}; NOT safe: the library needs a newer {Library}")));

    /// <summary>A needed version the system lacks, the symbols bound to it and those some relocation uses.</summary>
    public sealed record MissingVersion(ElfVersionNeed Need, IReadOnlyList<string> Symbols, IReadOnlyList<string> RelocatedSymbols);
}
