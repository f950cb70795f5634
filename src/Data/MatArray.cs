namespace ClassyNet.MLNet.Data;

/// <summary>
/// One named numeric variable of a <see cref="MatFile"/>: its dimensions and its real values in MATLAB's column-major
/// (Fortran) order, element (i0, i1, ..., ik) at i0 + d0 * (i1 + d1 * (i2 + ...)). The values keep the array's class
/// (<see cref="byte"/>[] for uint8, <see cref="double"/>[] for double, ...), whatever narrower type the file stored them in.
/// </summary>
public sealed class MatArray
{
    internal MatArray(string name, MatClass matClass, bool isLogical, int[] dimensions, Array values)
    {
        Name = name;
        Class = matClass;
        IsLogical = isLogical;
        Dimensions = dimensions;
        Values = values;
    }

    /// <summary>The variable name.</summary>
    public string Name { get; }

    /// <summary>The MATLAB class, which fixes the element type of <see cref="Values"/>.</summary>
    public MatClass Class { get; }

    /// <summary>True for a MATLAB logical array (class <see cref="MatClass.UInt8"/>, values 0 or 1).</summary>
    public bool IsLogical { get; }

    /// <summary>Dimensions (at least two, as MATLAB writes them).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The values, column-major, as an array of the class's element type (see <see cref="MatClass"/>).</summary>
    public Array Values { get; }

    /// <summary>Number of elements (the product of <see cref="Dimensions"/>).</summary>
    public int Count => Values.Length;

    /// <summary>The values as <typeparamref name="T"/>[] without copying; throws when <typeparamref name="T"/> is not the class's element type.</summary>
    public T[] GetValues<T>()
        where T : unmanaged =>
        Values.GetType() == typeof(T[]) ? (T[])Values : throw new InvalidOperationException($"MAT variable '{Name}' is of class {Class} ({Values.GetType().GetElementType()!.Name} values), not {typeof(T).Name}; use GetValues<{Values.GetType().GetElementType()!.Name}>() or ToDoubleArray().");

    /// <summary>Element <paramref name="index"/> (column-major) converted to <see cref="double"/>.</summary>
    public double GetDouble(int index) => Class switch
    {
        // Dispatch on the class, not on the array type: the runtime lets a byte[] pass as sbyte[] (and int[] as uint[], ...).
        MatClass.Double => ((double[])Values)[index],
        MatClass.Single => ((float[])Values)[index],
        MatClass.Int8 => ((sbyte[])Values)[index],
        MatClass.UInt8 => ((byte[])Values)[index],
        MatClass.Int16 => ((short[])Values)[index],
        MatClass.UInt16 => ((ushort[])Values)[index],
        MatClass.Int32 => ((int[])Values)[index],
        MatClass.UInt32 => ((uint[])Values)[index],
        MatClass.Int64 => ((long[])Values)[index],
        _ => ((ulong[])Values)[index],
    };

    /// <summary>All values converted to a new <see cref="double"/>[] (64-bit integers beyond 2^53 lose precision).</summary>
    public double[] ToDoubleArray()
    {
        if (Class == MatClass.Double)
        {
            return (double[])((double[])Values).Clone();
        }

        var result = new double[Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = GetDouble(i);
        }

        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Class} [{string.Join(", ", Dimensions)}]";
}
