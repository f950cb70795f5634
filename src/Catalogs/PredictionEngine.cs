using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet;

/// <summary>
/// Runs a model on one <typeparamref name="TSrc"/> object at a time and returns a <typeparamref name="TDst"/>
/// (<c>ml.Model.CreatePredictionEngine</c>). Input members map to the model's input columns by name, output members to
/// its output columns by name (<see cref="ColumnNameAttribute"/>): keys as <see cref="uint"/>, vectors as arrays or
/// <see cref="VBuffer{T}"/>, text as <see cref="string"/>. Only the columns <typeparamref name="TDst"/> reads are
/// computed. It gives the same values as transforming a data view in bulk.
/// <para>Like ML.NET's, a prediction engine is <b>not thread-safe</b>: it reuses buffers between calls. Use one per
/// thread, or a pool.</para>
/// </summary>
/// <typeparam name="TSrc">The input class.</typeparam>
/// <typeparam name="TDst">The output class.</typeparam>
public sealed class PredictionEngine<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    private readonly PocoRow<TSrc> input;
    private readonly DataViewRow output;
    private readonly Action<TDst> fillNew;
    private readonly Action<TDst> fillReuse;
    private bool disposed;

    internal PredictionEngine(ITransformer transformer, bool ignoreMissingColumns, DataViewSchema? inputSchema)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (!transformer.IsRowToRowMapper)
        {
            throw new InvalidOperationException($"The model ({transformer.GetType().Name}) does not map rows one by one, so it cannot back a prediction engine.");
        }

        input = new PocoRow<TSrc>(inputSchema);
        var mapper = transformer.GetRowToRowMapper(input.Schema);
        OutputSchema = mapper.OutputSchema;
        var bindings = RowEnumerable<TDst>.Bind(mapper.OutputSchema, ignoreMissingColumns);
        output = mapper.GetRow(input, bindings.Select(b => b.Column).ToArray());
        fillNew = RowEnumerable<TDst>.MakeFiller(output, bindings, reuse: false);
        fillReuse = RowEnumerable<TDst>.MakeFiller(output, bindings, reuse: true);
    }

    /// <summary>The schema the model outputs for <typeparamref name="TSrc"/> inputs.</summary>
    public DataViewSchema OutputSchema { get; }

    /// <summary>The prediction for <paramref name="example"/>, as a new object.</summary>
    public TDst Predict(TSrc example)
    {
        var result = new TDst();
        Run(example, result, fillNew);
        return result;
    }

    /// <summary>The prediction for <paramref name="example"/>, written into <paramref name="prediction"/> (created when null; its arrays are reused when they fit).</summary>
    public void Predict(TSrc example, ref TDst? prediction)
    {
        prediction ??= new TDst();
        Run(example, prediction, fillReuse);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            output.Dispose();
            input.Dispose();
        }
    }

    private void Run(TSrc example, TDst result, Action<TDst> fill)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(example);
        input.Set(example);
        fill(result);
    }
}
