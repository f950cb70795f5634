using System.Numerics.Tensors;
using System.Text;

namespace ClassyNet.MLNet.Tensors;

/// <summary>
/// A dense, row-major float32 tensor with reverse-mode autograd (the role of TorchSharp's <c>Tensor</c>).
/// Storage comes from a pool and goes back to it on <see cref="Dispose"/>; <see cref="TensorScope"/> disposes the
/// temporaries of a step in one go. Reshapes share storage; every other op returns a new tensor.
/// </summary>
public sealed class Tensor : IDisposable
{
    private readonly int[] _shape;
    private TensorStorage? _storage;
    private bool _requiresGrad;

    internal Tensor(int[] shape, float[] array, bool track = true)
    {
        _shape = shape;
        Numel = ShapeMath.Numel(shape);
        if (array.Length < Numel)
        {
            throw new ArgumentException($"Buffer of {array.Length} floats is too small for shape {ShapeMath.Format(shape)}.", nameof(array));
        }

        _storage = new TensorStorage(array);
        if (track)
        {
            TensorScope.Track(this);
        }
    }

    private Tensor(int[] shape, TensorStorage storage)
    {
        _shape = shape;
        Numel = ShapeMath.Numel(shape);
        storage.AddReference();
        _storage = storage;
        TensorScope.Track(this);
    }

    /// <summary>Number of elements.</summary>
    public int Numel { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>True for a tensor that no operation produced (a parameter or an input).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>The gradient accumulated by <see cref="Backward"/> (leaf tensors only), or null.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>Whether operations on this tensor are recorded for backward. Only leaves can be set.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf && !value)
            {
                throw new InvalidOperationException($"RequiresGrad can only be cleared on leaf tensors; call Detach() on the output of {GradFn!.Name}.");
            }

            _requiresGrad = value;
        }
    }

    /// <summary>Name of the operation that produced this tensor, for diagnostics.</summary>
    public string? GradFnName => GradFn?.Name;

    internal AutogradNode? GradFn { get; set; }

    internal bool IsDisposed => _storage is null;

    internal float[] Array => (_storage ?? throw new ObjectDisposedException(nameof(Tensor), $"Tensor {ShapeMath.Format(_shape)} was disposed.")).Array;

    /// <summary>Size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    public int Size(int dim) => _shape[ShapeMath.NormalizeDim(dim, Rank, nameof(dim))];

    /// <summary>Writable view of the elements in row-major order.</summary>
    public Span<float> AsSpan() => Array.AsSpan(0, Numel);

    /// <summary>Copies the elements into a new array.</summary>
    public float[] ToArray() => AsSpan().ToArray();

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Numel != 1)
        {
            throw new InvalidOperationException($"Item() needs a tensor with one element; this one has shape {ShapeMath.Format(_shape)} ({Numel} elements).");
        }

        return Array[0];
    }

    /// <summary>Element at a full multi-index (slow; for tests and diagnostics).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get => Array[ShapeMath.Offset(_shape, index)];
        set => Array[ShapeMath.Offset(_shape, index)] = value;
    }

    // ---- creation ---------------------------------------------------------------------------------------------

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => new(ShapeMath.Validate(shape), BufferPool.Rent(ShapeMath.Numel(shape), clear: true));

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, float value)
    {
        var t = Empty(shape);
        t.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1f);

    /// <summary>A one-element tensor of rank 0.</summary>
    public static Tensor Scalar(float value) => Full([], value);

    /// <summary>A tensor whose contents are undefined (pooled memory).</summary>
    public static Tensor Empty(params int[] shape) => new(ShapeMath.Validate(shape), BufferPool.Rent(ShapeMath.Numel(shape), clear: false));

    /// <summary>A tensor holding a copy of <paramref name="values"/> with the given shape.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, params int[] shape)
    {
        ShapeMath.Validate(shape);
        if (values.Length != ShapeMath.Numel(shape))
        {
            throw new ArgumentException($"{values.Length} values do not fill shape {ShapeMath.Format(shape)} ({ShapeMath.Numel(shape)} elements).", nameof(values));
        }

        var t = Empty(shape);
        values.CopyTo(t.AsSpan());
        return t;
    }

    /// <summary>Samples from N(0, 1).</summary>
    public static Tensor Randn(int[] shape, Generator? generator = null)
    {
        var g = generator ?? Generator.Default;
        var t = Empty(shape);
        var span = t.AsSpan();
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (float)g.NextGaussian();
        }

        return t;
    }

    /// <summary>Samples from U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(int[] shape, float low, float high, Generator? generator = null)
    {
        var t = Empty(shape);
        t.UniformInPlace(low, high, generator);
        return t;
    }

    // ---- autograd ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Computes gradients of this tensor with respect to every leaf that requires grad and adds them to the leaves'
    /// <see cref="Grad"/>. Without <paramref name="gradient"/> the tensor must hold one element.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Autograd.Backward(this, gradient, retainGraph);

    /// <summary>A tensor sharing this one's storage but cut from the tape (PyTorch's <c>detach()</c>).</summary>
    public Tensor Detach() => new(_shape, _storage ?? throw new ObjectDisposedException(nameof(Tensor)));

    /// <summary>A copy with its own storage, recorded on the tape.</summary>
    public Tensor Clone() => Functional.Clone(this);

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor (fluent, like <c>requires_grad_()</c>).</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Reshape sharing storage; one dimension may be -1.</summary>
    public Tensor Reshape(params int[] shape) => Functional.Reshape(this, shape);

    internal Tensor ViewWithShape(int[] shape) => new(shape, _storage ?? throw new ObjectDisposedException(nameof(Tensor)));

    // ---- in-place helpers (not recorded) ----------------------------------------------------------------------

    /// <summary>Fills with <paramref name="value"/> in place (not recorded).</summary>
    public Tensor Fill_(float value)
    {
        AsSpan().Fill(value);
        return this;
    }

    /// <summary>Sets every element to zero in place (not recorded).</summary>
    public Tensor Zero_() => Fill_(0f);

    /// <summary>Copies <paramref name="source"/> (same element count) into this tensor in place (not recorded).</summary>
    public Tensor CopyFrom(Tensor source)
    {
        if (source.Numel != Numel)
        {
            throw new ArgumentException($"CopyFrom: source shape {source.ShapeString} does not match destination shape {ShapeString}.", nameof(source));
        }

        source.AsSpan().CopyTo(AsSpan());
        return this;
    }

    internal void UniformInPlace(float low, float high, Generator? generator)
    {
        var g = generator ?? Generator.Default;
        var span = AsSpan();
        float width = high - low;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = low + width * g.NextSingle();
        }
    }

    internal void AddInPlace(Tensor other) => TensorPrimitives.Add(AsSpan(), other.AsSpan(), AsSpan());

    // ---- operators --------------------------------------------------------------------------------------------

    /// <summary>Broadcasting addition.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Functional.Add(a, b);

    /// <summary>Broadcasting subtraction.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Functional.Sub(a, b);

    /// <summary>Broadcasting element-wise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Functional.Mul(a, b);

    /// <summary>Broadcasting element-wise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Functional.Div(a, b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, float b) => Functional.AddScalar(a, b);

    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, float b) => Functional.AddScalar(a, -b);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, float b) => Functional.MulScalar(a, b);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(float a, Tensor b) => Functional.MulScalar(b, a);

    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, float b) => Functional.MulScalar(a, 1f / b);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => Functional.MulScalar(a, -1f);

    /// <summary>Shape as text, e.g. <c>[64, 16, 28, 28]</c>.</summary>
    public string ShapeString => ShapeMath.Format(_shape);

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Tensor").Append(ShapeString);
        if (!IsDisposed && Numel <= 16)
        {
            sb.Append(" {").AppendJoin(", ", ToArray()).Append('}');
        }

        if (GradFn is not null)
        {
            sb.Append(" grad_fn=").Append(GradFn.Name);
        }

        return sb.ToString();
    }

    /// <summary>Returns the storage to the pool (views keep it alive). Safe to call twice.</summary>
    public void Dispose()
    {
        var storage = _storage;
        _storage = null;
        storage?.Release();
        GradFn = null;
    }
}
