using System.Reflection;
using ClassyNet.Build.GlibcxxCompat;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Build.Tests;

/// <summary>
/// The build step that lets TorchSharp's libLibTorchSharp.so load with an older libstdc++: tested on the real library
/// from the NuGet cache (read, never written) against the version sets of Debian 12's and a newer libstdc++.
/// </summary>
[TestClass]
public sealed class GlibcxxCompatTests
{
    private const string Library = "libstdc++.so.6";
    private const string IosInit = "_ZSt21ios_base_library_initv";

    /// <summary>What Debian 12's libstdc++ (GCC 12) defines: GLIBCXX_3.4 .. 3.4.30 and CXXABI_1.3 .. 1.3.13.</summary>
    private static readonly HashSet<string> Gcc12 =
    [
        .. Enumerable.Range(0, 31).Select(i => i == 0 ? "GLIBCXX_3.4" : $"GLIBCXX_3.4.{i}"),
        .. Enumerable.Range(0, 14).Select(i => i == 0 ? "CXXABI_1.3" : $"CXXABI_1.3.{i}"),
    ];

    private static readonly HashSet<string> Gcc13 = [.. Gcc12, "GLIBCXX_3.4.31", "GLIBCXX_3.4.32", "CXXABI_1.3.14"];

    private static string OriginalLibrary()
    {
        string root = typeof(GlibcxxCompatTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.IsTrue(File.Exists(path), $"TorchSharp 0.107.0's native library is not in the NuGet cache at {path}; run dotnet restore.");
        return path;
    }

    [TestMethod]
    public void OnGcc12OnlyGlibcxx3432IsMissingAndNoRelocationUsesIt()
    {
        var image = ElfImage.Load(OriginalLibrary());
        var plan = VersionNeedPlan.Create(image, Library, Gcc12);

        var missing = plan.Missing.Single();
        Assert.AreEqual("GLIBCXX_3.4.32", missing.Need.Version);
        Assert.IsFalse(missing.Need.IsWeak);
        CollectionAssert.AreEqual(new[] { IosInit }, missing.Symbols.ToArray());
        Assert.AreEqual(0, missing.RelocatedSymbols.Count);
        Assert.IsTrue(plan.CanFix);
        Assert.IsTrue(plan.NeedsPatch);
        StringAssert.Contains(plan.Describe(), "safe to mark weak");
    }

    [TestMethod]
    public void ApplyChangesOneFlagBitAndNothingElse()
    {
        string path = OriginalLibrary();
        var bytes = File.ReadAllBytes(path);
        var before = new ElfImage(bytes, path);
        var plan = VersionNeedPlan.Create(before, Library, Gcc12);
        var patched = plan.Apply(bytes);

        var changed = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != patched[i]).ToArray();
        CollectionAssert.AreEqual(new[] { plan.Missing[0].Need.EntryOffset + 4 }, changed, "only the low byte of vna_flags may change");
        Assert.AreEqual(ElfVersionNeed.WeakFlag, patched[changed[0]] ^ bytes[changed[0]]);

        var after = new ElfImage(patched, "patched");
        Assert.IsTrue(after.VersionNeeds.Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak);
        Assert.AreEqual(before.VersionNeeds.Count, after.VersionNeeds.Count);
        Assert.IsTrue(before.VersionNeeds.Zip(after.VersionNeeds).All(p => p.First.Version == p.Second.Version && p.First.Index == p.Second.Index));
        Assert.AreEqual(1, after.VersionNeeds.Count(n => n.IsWeak));

        var again = VersionNeedPlan.Create(after, Library, Gcc12);
        Assert.IsFalse(again.NeedsPatch, "a patched copy needs nothing more");
        Assert.IsTrue(again.CanFix);
        Assert.AreEqual(0, File.ReadAllBytes(path).Zip(bytes).Count(p => p.First != p.Second), "the NuGet cache's file is never written");
    }

    [TestMethod]
    public void NothingToDoWhereTheSystemDefinesEveryVersion()
    {
        var plan = VersionNeedPlan.Create(ElfImage.Load(OriginalLibrary()), Library, Gcc13);
        Assert.AreEqual(0, plan.Missing.Count);
        Assert.IsFalse(plan.NeedsPatch);
        StringAssert.Contains(plan.Describe(), "defines every version needed");
    }

    [TestMethod]
    public void RefusesWhenAMissingVersionIsUsedByARelocation()
    {
        // A libstdc++ older than GCC 11 lacks GLIBCXX_3.4.29/30, whose symbols the library really calls.
        var old = Gcc12.Where(v => v is not ("GLIBCXX_3.4.29" or "GLIBCXX_3.4.30")).ToHashSet();
        string path = OriginalLibrary();
        var bytes = File.ReadAllBytes(path);
        var plan = VersionNeedPlan.Create(new ElfImage(bytes, path), Library, old);

        Assert.IsFalse(plan.CanFix);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => plan.Apply(bytes));
        StringAssert.Contains(e.Message, "GLIBCXX_3.4.30 of libstdc++.so.6: relocations use");
        StringAssert.Contains(e.Message, "NOT safe");
    }

    [TestMethod]
    public void ReadsTheSystemLibstdcxxVersionDefinitions()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Linux only.");
        }

        string? path = SystemLibrary.Find(Library);
        Assert.IsNotNull(path, $"no {Library} in {string.Join(", ", SystemLibrary.SearchFolders())}");
        var defined = ElfImage.Load(path).VersionDefinitions;
        Assert.IsTrue(defined.Contains("GLIBCXX_3.4") && defined.Contains("CXXABI_1.3"), $"{path} defines {string.Join(", ", defined)}");
        Assert.IsTrue(defined.Contains("GLIBCXX_3.4.30"), "TorchSharp 0.107 needs at least GCC 12's libstdc++ even after the fix");
    }

    [TestMethod]
    public void ForeignAndTruncatedFilesGiveClearErrors()
    {
        var bytes = File.ReadAllBytes(OriginalLibrary());

        var e = Assert.ThrowsExactly<InvalidDataException>(() => new ElfImage("not an ELF file, just text"u8.ToArray(), "notes.txt"));
        StringAssert.Contains(e.Message, "'notes.txt'");
        StringAssert.Contains(e.Message, "ELF magic");

        var elf32 = (byte[])bytes.Clone();
        elf32[4] = 1;
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => new ElfImage(elf32, "x")).Message, "64-bit little-endian");

        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => new ElfImage(bytes[..4096], "head.so")).Message, "runs past the end of the file");
    }

    [TestMethod]
    public void MutatedLibrariesEitherParseOrFailWithInvalidData()
    {
        // The tables the tool reads (section headers, .dynsym, .gnu.version*, relocations) live in the file's first
        // ~300 KB and its section header table at the end: mutate bytes there (20,000 trials passed once; 1,000 run here).
        string path = OriginalLibrary();
        var bytes = File.ReadAllBytes(path);
        var random = new Random(12345);
        int parsed = 0, rejected = 0;
        for (int trial = 0; trial < 1000; trial++)
        {
            var mutated = (byte[])bytes.Clone();
            for (int k = 0; k < 1 + (trial % 8); k++)
            {
                int at = random.Next(2) == 0 ? random.Next(0, 300_000) : random.Next(bytes.Length - 4096, bytes.Length);
                mutated[at] = (byte)random.Next(256);
            }

            try
            {
                var image = new ElfImage(mutated, "mutated.so");
                _ = VersionNeedPlan.Create(image, Library, Gcc12).Describe();
                parsed++;
            }
            catch (InvalidDataException e)
            {
                StringAssert.Contains(e.Message, "'mutated.so'");
                rejected++;
            }
        }

        Assert.AreEqual(1000, parsed + rejected);
    }
}
