using System.Globalization;
using System.Numerics;

namespace ClassyNet.MLNet.Data;

/// <summary>Parses the text of delimited-file fields into column values; failures name the file, line, column and field.</summary>
internal static class TextValueParser
{
    /// <summary>A parser of field text to <paramref name="type"/>'s raw type (for vectors, the item type).</summary>
    public static Delegate For(PrimitiveDataViewType type) => type switch
    {
        KeyDataViewType key => (Parse<uint>)((string s, out uint v) =>
        {
            if (s.Length == 0)
            {
                v = 0;
                return true;
            }

            return uint.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v) && v <= key.Count;
        }),
        TextDataViewType => (Parse<ReadOnlyMemory<char>>)((string s, out ReadOnlyMemory<char> v) =>
        {
            v = s.AsMemory();
            return true;
        }),
        BooleanDataViewType => (Parse<bool>)ParseBool,
        _ when type.RawType == typeof(float) => (Parse<float>)((string s, out float v) =>
        {
            if (s.Length == 0 || s == "?")
            {
                v = float.NaN;
                return true;
            }

            return float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v);
        }),
        _ when type.RawType == typeof(double) => (Parse<double>)((string s, out double v) =>
        {
            if (s.Length == 0 || s == "?")
            {
                v = double.NaN;
                return true;
            }

            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v);
        }),
        _ => typeof(TextValueParser).GetMethod(nameof(Integer), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type.RawType).Invoke(null, null) as Delegate ?? throw new InvalidOperationException($"Type {type} cannot be parsed from text."),
    };

    private static Parse<T> Integer<T>()
        where T : IBinaryInteger<T> => (string s, out T v) =>
        {
            if (s.Length == 0)
            {
                v = T.Zero;
                return true;
            }

            return T.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v!);
        };

    private static bool ParseBool(string s, out bool v)
    {
        switch (s.Trim().ToLowerInvariant())
        {
            case "":
            case "false":
            case "f":
            case "no":
            case "n":
            case "0":
            case "-1":
                v = false;
                return true;
            case "true":
            case "t":
            case "yes":
            case "y":
            case "1":
            case "+1":
                v = true;
                return true;
            default:
                v = false;
                return false;
        }
    }
}
