namespace ClassyNet.MLNet.Data;

/// <summary>Writes a file so that readers see the old content or the complete new one, never a half-written file.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="write"/> on a temporary file in the target's folder (readable and seekable), flushes it to
    /// disk and renames it over <paramref name="path"/>; if anything fails the temporary file is removed and an existing
    /// file is left as it was. <paramref name="argument"/> names the path in errors.
    /// </summary>
    internal static void Write(string path, Action<Stream> write, string argument = "path")
    {
        ArgumentException.ThrowIfNullOrEmpty(path, argument);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot write '{path}': folder '{folder}' does not exist.");
        }

        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
