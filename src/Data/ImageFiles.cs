namespace ClassyNet.MLNet.Data;

/// <summary>
/// Which files an image folder treats as images: by extension (what ML.NET's <c>LoadImages</c> decodes through
/// SkiaSharp), then by the signature in their first bytes, so that a file that only looks like an image by name is
/// named before any training starts.
/// </summary>
internal static class ImageFiles
{
    /// <summary>The extensions treated as images (case-insensitive).</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when <paramref name="path"/> has one of <see cref="Extensions"/>.</summary>
    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Reads the first bytes of <paramref name="path"/> and throws an <see cref="InvalidDataException"/> naming the file
    /// when they are not the signature of a PNG, JPEG, GIF, BMP or WebP image; an unreadable file is an
    /// <see cref="IOException"/> naming it.
    /// </summary>
    public static void CheckSignature(string path)
    {
        Span<byte> head = stackalloc byte[12];
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Image file '{path}' cannot be read: {e.Message}", e);
        }

        head = head[..read];
        if (IsImage(head))
        {
            return;
        }

        string found = read == 0 ? "it is empty" : $"it starts with bytes {Convert.ToHexString(head)}";
        throw new InvalidDataException($"Image file '{path}' is not a PNG, JPEG, GIF, BMP or WebP image ({found}); delete or replace it, or rename it to an extension the image folder skips.");
    }

    private static bool IsImage(ReadOnlySpan<byte> head) =>
        head.StartsWith(Png)
        || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)
        || (head.Length >= 6 && head.StartsWith("BM"u8))
        || (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8));
}
