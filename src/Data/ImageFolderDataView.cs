using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// A folder of labelled images, one sub-folder per class (<c>root/&lt;class&gt;/&lt;image&gt;</c>), as an ML.NET data
/// view of <c>ImagePath</c> (Text, the file's full path) and <c>Label</c> (Text, the class folder's name), made by
/// <c>mlContext.Data.LoadImageFolder(root)</c>. Only paths are held; ML.NET's <c>LoadImages</c> reads the pixels when a
/// cursor reaches a row. Rows come class by class (folders in ordinal order), files in ordinal order within a class, so
/// <c>MapValueToKey("Label")</c> numbers the classes in the order of <see cref="ClassNames"/>; cursors can shuffle.
/// </summary>
/// <remarks>
/// <para>What counts as an image: a file directly in a class folder with a .png, .jpg, .jpeg, .bmp, .gif or .webp
/// extension (any case) that is not hidden. Everything else under the root is skipped and listed in
/// <see cref="SkippedPaths"/>: files directly in the root (they belong to no class), hidden files and folders (a name
/// starting with '.', such as .DS_Store), files with other extensions (README.txt, Thumbs.db) and folders inside a
/// class folder (they are not read).</para>
/// <para>A file with an image extension whose first bytes are not a PNG, JPEG, GIF, BMP or WebP signature (an empty file,
/// an HTML page saved as .jpg) stops loading with an <see cref="InvalidDataException"/> naming the file, before any
/// training starts; a file that cannot be opened is an <see cref="IOException"/> naming it. A file whose header is
/// valid but whose data is cut short decodes as far as it goes (SkiaSharp's behaviour, through <c>LoadImages</c>).</para>
/// <para>A class folder without images gives no rows and is listed in <see cref="EmptyClassFolders"/>, not in
/// <see cref="ClassNames"/>. A root with a single class loads (to score images, say); training needs two classes and the
/// trainer says so. Images of any size and colour type load; <c>ResizeImages</c> brings them to one size.</para>
/// </remarks>
public sealed class ImageFolderDataView : IDataView
{
    /// <summary>The column holding each image's full path.</summary>
    public const string ImagePathColumnName = "ImagePath";

    /// <summary>The column holding each image's class (its folder's name).</summary>
    public const string LabelColumnName = "Label";

    private readonly string[] paths;
    private readonly string[] labels;

    internal ImageFolderDataView(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var folder = new DirectoryInfo(Path.GetFullPath(root));
        if (!folder.Exists)
        {
            throw new DirectoryNotFoundException($"Image folder '{root}' does not exist; expected a folder with one sub-folder of images per class (root/<class>/<image>.png).");
        }

        Root = folder.FullName;
        var images = new List<(string Path, string Label)>();
        var classes = new List<string>();
        var empty = new List<string>();
        var skipped = folder.EnumerateFiles().Select(f => f.FullName).Order(StringComparer.Ordinal).ToList();
        int filesInRoot = skipped.Count;
        var nested = new List<string>();
        foreach (var classFolder in folder.EnumerateDirectories().OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            if (IsHidden(classFolder))
            {
                skipped.Add(classFolder.FullName);
                continue;
            }

            int before = images.Count;
            foreach (var entry in classFolder.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (entry is DirectoryInfo)
                {
                    nested.Add(entry.FullName);
                }

                if (entry is DirectoryInfo || IsHidden(entry) || !ImageFiles.HasImageExtension(entry.Name))
                {
                    skipped.Add(entry.FullName);
                    continue;
                }

                ImageFiles.CheckSignature(entry.FullName);
                images.Add((entry.FullName, classFolder.Name));
            }

            (images.Count > before ? classes : empty).Add(classFolder.Name);
        }

        if (images.Count == 0)
        {
            throw new InvalidDataException(NoImages(root, empty, nested, filesInRoot));
        }

        ClassNames = classes;
        EmptyClassFolders = empty;
        SkippedPaths = skipped;
        paths = [.. images.Select(i => i.Path)];
        labels = [.. images.Select(i => i.Label)];
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(ImagePathColumnName, TextDataViewType.Instance);
        schema.AddColumn(LabelColumnName, TextDataViewType.Instance);
        Schema = schema.ToSchema();
    }

    /// <summary>The root folder (full path).</summary>
    public string Root { get; }

    /// <summary>The classes: names of the sub-folders that hold at least one image, in ordinal order (the row order).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Names of the sub-folders that hold no image (they give no rows and are not in <see cref="ClassNames"/>).</summary>
    public IReadOnlyList<string> EmptyClassFolders { get; }

    /// <summary>Full paths of the files and folders under the root that were skipped as not being images of a class (see the remarks).</summary>
    public IReadOnlyList<string> SkippedPaths { get; }

    /// <inheritdoc/>
    public bool CanShuffle => true;

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }

    /// <inheritdoc/>
    public long? GetRowCount() => paths.Length;

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        return new Cursor(this, columnsNeeded, rand);
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private static bool IsHidden(FileSystemInfo entry) => entry.Name.StartsWith('.') || entry.Attributes.HasFlag(FileAttributes.Hidden);

    private static string NoImages(string root, List<string> empty, List<string> nested, int filesInRoot)
    {
        string extensions = string.Join(", ", ImageFiles.Extensions);
        string message = $"Image folder '{root}' holds no images: expected one sub-folder per class with {extensions} files directly in it (root/<class>/<image>.png).";
        if (nested.Count > 0)
        {
            string first = Path.GetFileName(Path.GetDirectoryName(nested[0]))!;
            message += $" Its sub-folders hold folders ({string.Join(", ", nested.Take(4).Select(n => $"'{Path.GetRelativePath(root, n)}'"))}{(nested.Count > 4 ? ", ..." : string.Empty)}), which are not read: pass one of them as the root, e.g. '{Path.Combine(root, first)}'.";
        }
        else if (empty.Count > 0)
        {
            message += $" Its {empty.Count} sub-folder(s) ({string.Join(", ", empty.Take(8))}{(empty.Count > 8 ? ", ..." : string.Empty)}) hold no image files.";
        }

        if (filesInRoot > 0)
        {
            message += $" It has {filesInRoot} file(s) directly in it; files must sit in a class folder.";
        }

        return message;
    }

    /// <summary>Reads a row's path and class by its index; the row id is the index.</summary>
    private sealed class Cursor(ImageFolderDataView parent, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand)
        : IndexedRowCursor(parent.Schema, parent.paths.Length, columnsNeeded, rand)
    {
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
            var values = column.Index == 0 ? parent.paths : parent.labels;
            return Typed<TValue>((ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = values[Index].AsMemory()), column);
        }
    }
}
