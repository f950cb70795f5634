using Microsoft.ML;

namespace ClassyNet.MLNet.Transformers;

/// <summary>The errors of a column that is missing or of the wrong type, worded as ML.NET words them.</summary>
internal static class SchemaErrors
{
    /// <summary>A column that is not in the schema; lists the columns that are.</summary>
    public static ArgumentOutOfRangeException Missing(string argument, string role, string name, IEnumerable<string> present, string expected) =>
        new(argument, $"Could not find {role} column '{name}' ({expected}); the input has columns [{string.Join(", ", present)}].");

    /// <summary>A column of the wrong type: names it, the type found and the type expected.</summary>
    public static ArgumentOutOfRangeException Mismatch(string argument, string role, string name, string expected, string found, string? hint = null) =>
        new(argument, $"Schema mismatch for {role} column '{name}': expected {expected}, got {found}.{(hint is null ? string.Empty : " " + hint)}");

    /// <summary>The visible column names of a schema.</summary>
    public static IEnumerable<string> Names(DataViewSchema schema) => schema.Where(c => !c.IsHidden).Select(c => c.Name);

    /// <summary>The column names of a schema shape.</summary>
    public static IEnumerable<string> Names(SchemaShape shape) => shape.Select(c => c.Name);

    /// <summary>A shape column's type in ML.NET's words (<c>Vector&lt;Single&gt;</c>, <c>Key&lt;UInt32&gt;</c>).</summary>
    public static string Describe(SchemaShape.Column column)
    {
        string item = column.IsKey ? $"Key<{column.ItemType}>" : $"{column.ItemType}";
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            SchemaShape.Column.VectorKind.VariableVector => $"VarVector<{item}>",
            _ => item,
        };
    }
}
