using ClassyNet.Build.GlibcxxCompat;

// glibcxx-compat <libLibTorchSharp.so>... [--libstdcxx PATH] [--check]
// Makes each given copy load with the system's libstdc++ when the only versions it lacks are unused by relocations.
// Exit codes: 0 nothing to do or fixed, 1 cannot be fixed safely, 2 bad arguments or unreadable files.
const string Library = "libstdc++.so.6";
var files = new List<string>();
string? libstdcxx = null;
bool checkOnly = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--libstdcxx" when i + 1 < args.Length: libstdcxx = args[++i]; break;
        case "--check": checkOnly = true; break;
        case var a when a.StartsWith("--", StringComparison.Ordinal):
            Console.Error.WriteLine($"glibcxx-compat: unknown option '{a}' (expected --libstdcxx PATH or --check)");
            return 2;
        default: files.Add(args[i]); break;
    }
}

if (files.Count == 0)
{
    Console.Error.WriteLine("usage: glibcxx-compat <shared-object>... [--libstdcxx PATH] [--check]");
    return 2;
}

try
{
    libstdcxx ??= SystemLibrary.Find(Library);
    if (libstdcxx is null)
    {
        Console.Error.WriteLine($"glibcxx-compat: no {Library} in {string.Join(", ", SystemLibrary.SearchFolders())}; pass --libstdcxx PATH");
        return 2;
    }

    var provided = ElfImage.Load(libstdcxx).VersionDefinitions;
    int status = 0;
    foreach (var file in files)
    {
        var bytes = File.ReadAllBytes(file);
        var plan = VersionNeedPlan.Create(new ElfImage(bytes, file), Library, provided);
        if (!plan.NeedsPatch)
        {
            Console.WriteLine($"glibcxx-compat: {file}: nothing to do ({(plan.Missing.Count == 0 ? $"{libstdcxx} defines every version it needs" : "already patched")}).");
            continue;
        }

        if (!plan.CanFix)
        {
            Console.Error.WriteLine($"glibcxx-compat: {file} cannot load with {libstdcxx}:{Environment.NewLine}{plan.Describe()}");
            status = 1;
            continue;
        }

        if (checkOnly)
        {
            Console.WriteLine($"glibcxx-compat: {file} needs the fix:{Environment.NewLine}{plan.Describe()}");
            continue;
        }

        // Write a new file and rename it over the old one: the copy in the build output is replaced, never written in
        // place, so a hard link into the NuGet cache is broken rather than modified. The timestamp is kept so MSBuild's
        // incremental copy sees the file as up to date.
        var stamp = File.GetLastWriteTimeUtc(file);
        string temp = file + ".glibcxx-compat.tmp";
        File.WriteAllBytes(temp, plan.Apply(bytes));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(file));
        }

        File.SetLastWriteTimeUtc(temp, stamp);
        File.Move(temp, file, overwrite: true);
        Console.WriteLine($"glibcxx-compat: {file}: marked weak for {libstdcxx}:{Environment.NewLine}{plan.Describe()}");
    }

    return status;
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"glibcxx-compat: {e.Message}");
    return 2;
}
