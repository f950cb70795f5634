using System.Reflection;

namespace ClassyNet.MLNet.Data;

/// <summary>Copies a value of a column's raw type so that the copy shares no buffer with the original (vectors are deep-copied).</summary>
/// <typeparam name="T">The raw type.</typeparam>
internal static class ValueCopier<T>
{
    /// <summary>Copies <c>source</c> into <c>destination</c>, reusing the destination's buffers.</summary>
    public static readonly CopyValue<T> Copy = Create();

    /// <summary>True when <typeparamref name="T"/> is a <see cref="VBuffer{T}"/>.</summary>
    public static readonly bool IsVector = typeof(T).IsGenericType && typeof(T).GetGenericTypeDefinition() == typeof(VBuffer<>);

    /// <summary>A deep copy of <paramref name="value"/>.</summary>
    public static T Clone(T value)
    {
        T copy = default!;
        Copy(value, ref copy);
        return copy;
    }

    /// <summary>A getter that always yields (a copy of) <paramref name="value"/>.</summary>
    public static ValueGetter<T> Constant(T value)
    {
        var stored = Clone(value);
        return (ref T destination) => Copy(stored, ref destination);
    }

    private static CopyValue<T> Create()
    {
        if (typeof(T).IsGenericType && typeof(T).GetGenericTypeDefinition() == typeof(VBuffer<>))
        {
            var method = typeof(ValueCopier<T>).GetMethod(nameof(CopyVector), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(typeof(T).GetGenericArguments()[0]);
            return (CopyValue<T>)method.CreateDelegate(typeof(CopyValue<T>));
        }

        return static (in T source, ref T destination) => destination = source;
    }

    private static void CopyVector<TItem>(in VBuffer<TItem> source, ref VBuffer<TItem> destination) => source.CopyTo(ref destination);
}
