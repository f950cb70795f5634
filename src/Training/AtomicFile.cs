namespace ClassyNet.MLNet.Training;

/// <summary>Writes a file so that readers see the old content or the complete new one, never a half-written file.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="write"/> on a temporary file in the target's folder, flushes it to disk and renames it over
    /// <paramref name="path"/>; if anything fails the temporary file is deleted and an existing file is left untouched.
    /// </summary>
    internal static void Write(string path, Action<Stream> write, string argument = "path")
    {
        ArgumentException.ThrowIfNullOrEmpty(path, argument);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot write '{path}': folder '{directory}' does not exist.");
        }

        string temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
