using Microsoft.Extensions.Primitives;
using Microsoft.ML;

namespace ClassyNet.MLNet.Extensions.ML;

/// <summary>
/// Loads a ClassyNet model file (<c>mlContext.Model.SaveClassyNet</c>) and, when watching, reloads it after the file
/// changes: a <see cref="FileSystemWatcher"/> on the file's folder, a short debounce, then a load that is retried while
/// the file is being written. The previous model stays in use until the new one has loaded; a file that cannot be loaded
/// is recorded in <see cref="LastReloadError"/> and the previous model kept. Replace the file atomically (write a
/// temporary file, then move it over the model, as <c>SaveClassyNet</c> does).
/// </summary>
public sealed class FileModelLoader : ModelLoader, IDisposable
{
    private readonly MLContext context;
    private readonly object gate = new();
    private readonly FileSystemWatcher? watcher;
    private readonly Timer? debounce;
    private (ITransformer Model, DataViewSchema Schema) current;
    private CancellationTokenSource reload = new();
    private bool disposed;

    /// <summary>Loads <paramref name="filePath"/> now; with <paramref name="watchForChanges"/>, reloads it whenever it changes.</summary>
    public FileModelLoader(MLContext context, string filePath, bool watchForChanges)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        this.context = context;
        FilePath = Path.GetFullPath(filePath);
        if (!File.Exists(FilePath))
        {
            throw new FileNotFoundException($"Model file '{FilePath}' does not exist; save one with mlContext.Model.SaveClassyNet.", FilePath);
        }

        current = Load();
        if (watchForChanges)
        {
            debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
            watcher = new FileSystemWatcher(Path.GetDirectoryName(FilePath)!, Path.GetFileName(FilePath))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnChanged;
            watcher.Created += OnChanged;
            watcher.Renamed += OnChanged;
            watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>The model file.</summary>
    public string FilePath { get; }

    /// <summary>How long to wait after the last change event before reloading. Default 50 ms.</summary>
    public TimeSpan DebounceDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Number of successful reloads so far.</summary>
    public int ReloadCount { get; private set; }

    /// <summary>Why the last reload failed (the previous model stayed in use), or null when it succeeded.</summary>
    public Exception? LastReloadError { get; private set; }

    /// <inheritdoc/>
    public override ITransformer GetModel()
    {
        lock (gate)
        {
            return current.Model;
        }
    }

    /// <inheritdoc/>
    public override DataViewSchema? GetInputSchema()
    {
        lock (gate)
        {
            return current.Schema;
        }
    }

    /// <inheritdoc/>
    public override IChangeToken GetReloadToken()
    {
        lock (gate)
        {
            return new CancellationChangeToken(reload.Token);
        }
    }

    /// <summary>Reloads the file now (what a change event does after the debounce).</summary>
    public void Reload()
    {
        (ITransformer, DataViewSchema) loaded;
        try
        {
            loaded = LoadWithRetries();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            LastReloadError = e;
            return;
        }

        CancellationTokenSource fired;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            current = loaded;
            ReloadCount++;
            LastReloadError = null;
            fired = reload;
            reload = new CancellationTokenSource();
        }

        fired.Cancel();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
        }

        watcher?.Dispose();
        debounce?.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => debounce?.Change(DebounceDelay, Timeout.InfiniteTimeSpan);

    private (ITransformer, DataViewSchema) Load()
    {
        var model = context.Model.LoadClassyNet(FilePath, out var schema);
        return (model, schema);
    }

    private (ITransformer, DataViewSchema) LoadWithRetries()
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return Load();
            }
            catch (Exception e) when (attempt < 10 && e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Thread.Sleep(50 * attempt);
            }
        }
    }
}
