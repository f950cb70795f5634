namespace ClassyNet.Build.GlibcxxCompat;

/// <summary>Finds the copy of a shared library the dynamic loader would use from the standard library folders.</summary>
internal static class SystemLibrary
{
    /// <summary>The folders searched, in order: LD_LIBRARY_PATH, then the multiarch and plain library folders.</summary>
    public static IEnumerable<string> SearchFolders()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return dir;
        }

        string arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.Arm64 => "aarch64-linux-gnu",
            _ => "x86_64-linux-gnu",
        };
        foreach (var dir in new[] { $"/lib/{arch}", $"/usr/lib/{arch}", "/lib64", "/usr/lib64", "/lib", "/usr/lib" })
        {
            yield return dir;
        }
    }

    /// <summary>The first <paramref name="soname"/> found in <see cref="SearchFolders"/>, or null.</summary>
    public static string? Find(string soname) =>
        SearchFolders().Select(d => Path.Combine(d, soname)).FirstOrDefault(File.Exists);
}
