namespace ClassyNet.MLNet.Data;

/// <summary>Reads the current row's value of one column into <paramref name="value"/>, reusing its buffers where it can.</summary>
/// <typeparam name="TValue">The column's raw type.</typeparam>
public delegate void ValueGetter<TValue>(ref TValue value);
