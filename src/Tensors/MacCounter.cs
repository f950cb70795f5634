namespace ClassyNet.MLNet.Tensors;

/// <summary>
/// Counts the multiply-accumulates executed by convolutions, linear layers and matrix products on this thread while
/// a counting scope is open. Used for per-exit accounting and for the MACs actually executed by early exit.
/// </summary>
public static class MacCounter
{
    [ThreadStatic]
    private static Scope? _current;

    /// <summary>Starts counting; the total is read from the returned scope. Scopes nest (inner counts add to outer ones).</summary>
    public static Scope Begin() => new();

    internal static void Add(long macs)
    {
        for (var s = _current; s is not null; s = s.Outer)
        {
            s.Macs += macs;
        }
    }

    /// <summary>An open counting scope.</summary>
    public sealed class Scope : IDisposable
    {
        internal Scope()
        {
            Outer = _current;
            _current = this;
        }

        /// <summary>Multiply-accumulates counted so far.</summary>
        public long Macs { get; internal set; }

        internal Scope? Outer { get; }

        /// <inheritdoc />
        public void Dispose()
        {
            if (_current == this)
            {
                _current = Outer;
            }
        }
    }
}
