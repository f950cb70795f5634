namespace ClassyNet.MLNet.Data;

/// <summary>
/// A delimited text file as a data view (ML.NET's <c>LoadFromTextFile&lt;T&gt;</c>): columns from the
/// <see cref="LoadColumnAttribute"/> members of a row class, lines split by <see cref="DelimitedTextParser"/>. The file
/// is streamed line by line for every cursor; a field that does not parse throws naming file, line, column and field.
/// </summary>
internal sealed class TextLoaderView : IDataView
{
    private readonly string path;
    private readonly DelimitedTextParser parser;
    private readonly bool hasHeader;
    private readonly (int[] Fields, PrimitiveDataViewType Item, bool IsVector)[] columns;
    private readonly int fieldsNeeded;

    public TextLoaderView(Type rowType, string path, DelimitedTextParser parser, bool hasHeader)
    {
        this.path = path;
        this.parser = parser;
        this.hasHeader = hasHeader;
        var builder = new DataViewSchema.Builder();
        var list = new List<(int[], PrimitiveDataViewType, bool)>();
        foreach (var member in PocoColumn.For(rowType))
        {
            var load = member.LoadColumn ?? throw new InvalidOperationException($"Member {member.Describe()} has no [LoadColumn] attribute; every column of a class loaded from text must say which field(s) it reads (or be marked [NoColumn]).");
            int[] fields = [.. load.FieldIndices];
            if (member.Type is VectorDataViewType vector)
            {
                if (vector.IsKnownSize && vector.Size != fields.Length)
                {
                    throw new InvalidOperationException($"Member {member.Describe()} is a vector of {vector.Size} values ({vector}) but [LoadColumn] names {fields.Length} fields.");
                }

                builder.AddColumn(member.Name, vector.IsKnownSize ? vector : new VectorDataViewType(vector.ItemType, fields.Length));
                list.Add((fields, vector.ItemType, true));
            }
            else
            {
                if (fields.Length != 1)
                {
                    throw new InvalidOperationException($"Member {member.Describe()} is a scalar but [LoadColumn] names {fields.Length} fields; use an array for several fields.");
                }

                builder.AddColumn(member.Name, member.Type);
                list.Add((fields, (PrimitiveDataViewType)member.Type, false));
            }
        }

        columns = [.. list];
        fieldsNeeded = columns.Length == 0 ? 0 : columns.Max(c => c.Fields.Max()) + 1;
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        return new Cursor(this, columnsNeeded);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : RowCursorBase
    {
        private readonly TextLoaderView parent;
        private readonly StreamReader reader;
        private readonly IEnumerator<TextRecord> records;
        private TextRecord? current;

        public Cursor(TextLoaderView parent, IEnumerable<DataViewSchema.Column> columnsNeeded)
            : base(parent.Schema, columnsNeeded)
        {
            this.parent = parent;
            reader = new StreamReader(parent.path, detectEncodingFromByteOrderMarks: true);
            records = parent.parser.Parse(reader, parent.path).GetEnumerator();
            if (parent.hasHeader)
            {
                records.MoveNext();
            }
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)(current?.LineNumber ?? 0), 0);

        protected override bool MoveNextCore()
        {
            if (!records.MoveNext())
            {
                current = null;
                return false;
            }

            current = records.Current;
            if (current.Fields.Length < parent.fieldsNeeded)
            {
                var (fields, _, _) = parent.columns.First(c => c.Fields.Max() >= current.Fields.Length);
                string name = parent.Schema[Array.FindIndex(parent.columns, c => c.Fields == fields)].Name;
                throw new InvalidDataException($"'{parent.path}' line {current.LineNumber}, column {current.Fields.Length + 1}: the line has {current.Fields.Length} field{(current.Fields.Length == 1 ? string.Empty : "s")} but column '{name}' reads field {fields.Max() + 1} ({parent.fieldsNeeded} are needed).");
            }

            return true;
        }

        protected override ValueGetter<TValue> GetGetterCore<TValue>(DataViewSchema.Column column)
        {
            var (fields, item, isVector) = parent.columns[column.Index];
            var method = typeof(Cursor).GetMethod(isVector ? nameof(VectorGetter) : nameof(ScalarGetter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(item.RawType);
            return (ValueGetter<TValue>)method.Invoke(this, [column.Name, fields, item])!;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                records.Dispose();
                reader.Dispose();
            }

            base.Dispose(disposing);
        }

        private ValueGetter<T> ScalarGetter<T>(string name, int[] fields, PrimitiveDataViewType item)
        {
            var parse = (Parse<T>)TextValueParser.For(item);
            return (ref T value) => value = ParseField(parse, name, fields[0], item);
        }

        private ValueGetter<VBuffer<T>> VectorGetter<T>(string name, int[] fields, PrimitiveDataViewType item)
        {
            var parse = (Parse<T>)TextValueParser.For(item);
            return (ref VBuffer<T> value) =>
            {
                var editor = VBufferEditor.Create(ref value, fields.Length);
                for (int i = 0; i < fields.Length; i++)
                {
                    editor.Values[i] = ParseField(parse, name, fields[i], item);
                }

                value = editor.Commit();
            };
        }

        private T ParseField<T>(Parse<T> parse, string name, int field, PrimitiveDataViewType item)
        {
            var record = current ?? throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");
            string text = record.Fields[field];
            return parse(text, out var value) ? value
                : throw new InvalidDataException($"'{parent.path}' line {record.LineNumber}, column {field + 1}: \"{text}\" is not a valid {item} for column '{name}'.");
        }
    }
}
