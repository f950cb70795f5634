using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The inputs and outputs of up to <see cref="Capacity"/> rows handed to <see cref="RowToRowMapperBase.MapBatch"/>:
/// read input values with <see cref="GetInput{T}"/> or <see cref="CopyDenseInput{T}"/>, write each active output with
/// <see cref="GetOutput{T}"/>. Values are the columns' raw types (<see cref="VBuffer{T}"/> for vectors).
/// </summary>
public sealed class RowBatch
{
    private readonly RowToRowMapperBase mapper;
    private readonly Dictionary<int, ColumnBuffer> inputs = [];
    private readonly Array?[] outputs;
    private readonly bool[] activeOutputs;

    internal RowBatch(RowToRowMapperBase mapper, DataViewRow source, int capacity, Func<int, bool> activeOutput, IEnumerable<DataViewSchema.Column> inputColumns)
    {
        this.mapper = mapper;
        Capacity = capacity;
        foreach (var column in inputColumns)
        {
            inputs.TryAdd(column.Index, ColumnBuffer.Create(source, column, capacity));
        }

        outputs = new Array?[mapper.OutputColumns.Count];
        activeOutputs = new bool[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            if (activeOutput(i))
            {
                activeOutputs[i] = true;
                outputs[i] = Array.CreateInstance(mapper.OutputColumns[i].Type.RawType, capacity);
            }
        }
    }

    /// <summary>The most rows a batch holds.</summary>
    public int Capacity { get; }

    /// <summary>The rows in this batch (the last batch of a view may be short).</summary>
    public int Count { get; private set; }

    /// <summary>True when output <paramref name="outputIndex"/> is read by someone and so must be filled.</summary>
    public bool IsOutputActive(int outputIndex) => activeOutputs[outputIndex];

    /// <summary>The values of input column <paramref name="inputColumn"/> for the <see cref="Count"/> rows.</summary>
    public ReadOnlySpan<T> GetInput<T>(DataViewSchema.Column inputColumn)
    {
        if (!inputs.TryGetValue(inputColumn.Index, out var buffer))
        {
            throw new InvalidOperationException($"Input column '{inputColumn.Name}' is not buffered; {mapper.GetType().Name}.GetDependencies must list it.");
        }

        return buffer is ColumnBuffer<T> typed ? typed.Values.AsSpan(0, Count)
            : throw new InvalidOperationException($"Input column '{inputColumn.Name}' has type {inputColumn.Type}; it cannot be read as {DataViewChecks.TypeName(typeof(T))}.");
    }

    /// <summary>
    /// Writes the vectors of input column <paramref name="inputColumn"/> densely, row after row, into
    /// <paramref name="destination"/> (<see cref="Count"/> x the column's vector size values); throws naming the column when
    /// a row's vector has another size.
    /// </summary>
    public void CopyDenseInput<T>(DataViewSchema.Column inputColumn, Span<T> destination)
    {
        int size = inputColumn.Type is VectorDataViewType { IsKnownSize: true } v ? v.Size
            : throw new InvalidOperationException($"Input column '{inputColumn.Name}' has type {inputColumn.Type}; a vector of known size is needed.");
        var rows = GetInput<VBuffer<T>>(inputColumn);
        if (destination.Length < rows.Length * size)
        {
            throw new ArgumentException($"destination holds {destination.Length} values; {rows.Length} rows of '{inputColumn.Name}' need {rows.Length * size}.", nameof(destination));
        }

        for (int r = 0; r < rows.Length; r++)
        {
            if (rows[r].Length != size)
            {
                throw new InvalidOperationException($"Column '{inputColumn.Name}' ({inputColumn.Type}) holds a vector of {rows[r].Length} values in a row.");
            }

            rows[r].CopyTo(destination.Slice(r * size, size));
        }
    }

    /// <summary>The output values of output <paramref name="outputIndex"/> for the <see cref="Count"/> rows, to be filled.</summary>
    public Span<T> GetOutput<T>(int outputIndex)
    {
        var column = mapper.OutputColumns[outputIndex];
        if (outputs[outputIndex] is not { } array)
        {
            throw new InvalidOperationException($"Output '{column.Name}' is not active in this batch; check IsOutputActive.");
        }

        return array is T[] typed ? typed.AsSpan(0, Count)
            : throw new InvalidOperationException($"Output '{column.Name}' has type {column.Type}; it cannot be written as {DataViewChecks.TypeName(typeof(T))}.");
    }

    internal void Fill(int slot)
    {
        foreach (var buffer in inputs.Values)
        {
            buffer.Capture(slot);
        }
    }

    internal void SetCount(int count) => Count = count;

    internal ColumnBuffer? InputBuffer(int inputIndex) => inputs.GetValueOrDefault(inputIndex);

    internal void AddInputBuffer(int inputIndex, ColumnBuffer buffer) => inputs.TryAdd(inputIndex, buffer);

    internal Delegate MakeOutputGetter(int outputIndex, Func<int> slot, Action ensure)
    {
        var method = typeof(RowBatch).GetMethod(nameof(OutputGetter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(mapper.OutputColumns[outputIndex].Type.RawType);
        return (Delegate)method.Invoke(this, [outputIndex, slot, ensure])!;
    }

    private ValueGetter<T> OutputGetter<T>(int outputIndex, Func<int> slot, Action ensure)
    {
        var values = (T[])outputs[outputIndex]!;
        return (ref T value) =>
        {
            ensure();
            ValueCopier<T>.Copy(values[slot()], ref value);
        };
    }
}
