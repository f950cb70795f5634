namespace ClassyNet.MLNet.Tensors;

/// <summary>
/// Thread-local switch for recording the autograd tape (PyTorch's <c>torch.no_grad</c> / <c>enable_grad</c>).
/// Scopes restore the previous mode when disposed, so they nest.
/// </summary>
public static class GradMode
{
    [ThreadStatic]
    private static bool _disabled;

    /// <summary>True when new operations are recorded for backward on this thread.</summary>
    public static bool IsEnabled => !_disabled;

    /// <summary>Stops recording until the returned scope is disposed.</summary>
    public static Scope NoGrad() => new(enabled: false);

    /// <summary>Turns recording on (inside a <see cref="NoGrad"/> block) until the returned scope is disposed.</summary>
    public static Scope EnableGrad() => new(enabled: true);

    /// <summary>Restores the previous grad mode when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _previousDisabled;

        internal Scope(bool enabled)
        {
            _previousDisabled = _disabled;
            _disabled = !enabled;
        }

        /// <inheritdoc />
        public void Dispose() => _disabled = _previousDisabled;
    }
}
