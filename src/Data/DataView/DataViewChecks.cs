namespace ClassyNet.MLNet.Data;

/// <summary>Argument checks shared by data views and rows, with messages that name the column and the types involved.</summary>
internal static class DataViewChecks
{
    public static void CheckColumnOfSchema(DataViewSchema schema, DataViewSchema.Column column)
    {
        if ((uint)column.Index >= (uint)schema.Count || schema[column.Index].Name != column.Name || !schema[column.Index].Type.Equals(column.Type))
        {
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}, {column.Type}) does not belong to this schema; its columns are {schema.Describe()}.");
        }
    }

    public static void CheckGetter<TValue>(DataViewSchema schema, DataViewSchema.Column column, bool isActive)
    {
        CheckColumnOfSchema(schema, column);
        if (!isActive)
        {
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; request it in the columns passed to GetRowCursor.");
        }

        var type = schema[column.Index].Type;
        if (type.RawType != typeof(TValue))
        {
            throw new InvalidOperationException($"Column '{column.Name}' has type {type} (values of {TypeName(type.RawType)}); a getter of {TypeName(typeof(TValue))} was requested.");
        }
    }

    /// <summary>The columns of <paramref name="schema"/> whose indices <paramref name="active"/> accepts.</summary>
    public static IEnumerable<DataViewSchema.Column> Where(DataViewSchema schema, Func<int, bool> active) => schema.Where(c => active(c.Index));

    public static string TypeName(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>" : type.Name;
}
