namespace ClassyNet.MLNet.Tensors;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost scope and disposes them when the scope
/// ends, returning their buffers to the pool (the role of TorchSharp's <c>NewDisposeScope</c>). Use one per training
/// step or per inference batch; <see cref="MoveToOuter"/> keeps a result alive past the scope.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? _current;

    private readonly TensorScope? _outer;
    private readonly List<Tensor> _tensors = new(256);
    private bool _disposed;

    private TensorScope()
    {
        _outer = _current;
        _current = this;
    }

    /// <summary>Starts a scope that becomes the innermost scope of the calling thread.</summary>
    public static TensorScope Begin() => new();

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int Count => _tensors.Count;

    /// <summary>Removes <paramref name="tensor"/> from this scope and hands it to the enclosing scope (or to nobody).</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int index = _tensors.LastIndexOf(tensor);
        if (index >= 0)
        {
            _tensors.RemoveAt(index);
            _outer?._tensors.Add(tensor);
        }

        return tensor;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_current == this)
        {
            _current = _outer;
        }

        for (int i = _tensors.Count - 1; i >= 0; i--)
        {
            _tensors[i].Dispose();
        }

        _tensors.Clear();
    }

    internal static void Track(Tensor tensor) => _current?._tensors.Add(tensor);

    /// <summary>Removes <paramref name="tensor"/> from every scope of this thread, making it long-lived (parameters, buffers).</summary>
    internal static void Forget(Tensor tensor)
    {
        for (var scope = _current; scope is not null; scope = scope._outer)
        {
            int index = scope._tensors.LastIndexOf(tensor);
            if (index >= 0)
            {
                scope._tensors.RemoveAt(index);
                return;
            }
        }
    }

    /// <summary>Runs <paramref name="create"/> with no scope collecting, for long-lived tensors (parameters, optimiser state).</summary>
    internal static T Untracked<T>(Func<T> create)
    {
        var saved = _current;
        _current = null;
        try
        {
            return create();
        }
        finally
        {
            _current = saved;
        }
    }
}
