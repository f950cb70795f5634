using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>
/// A test data view that makes its rows on demand (nothing held in memory) and counts the rows its cursors deliver:
/// <c>Label</c> a Key&lt;UInt32, K&gt; exactly as <paramref name="label"/> says (even a key above K, which ML.NET's own
/// loaders never deliver) and <c>Features</c> a Vector&lt;Single, F&gt;.
/// </summary>
internal sealed class GeneratedDataView : IDataView
{
    private readonly long count;
    private readonly int features;
    private readonly Func<long, uint> label;
    private readonly Action<long, Span<float>> fill;
    private long rowsRead;

    public GeneratedDataView(long count, int classes, int features, Func<long, uint> label, Action<long, Span<float>> fill)
    {
        this.count = count;
        this.features = features;
        this.label = label;
        this.fill = fill;
        Schema = MakeSchema(classes, features);
    }

    /// <summary>Rows delivered by all cursors so far.</summary>
    public long RowsRead => Interlocked.Read(ref rowsRead);

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private static DataViewSchema MakeSchema(int classes, int features)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), classes));
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, features));
        return builder.ToSchema();
    }

    private sealed class Cursor(GeneratedDataView parent) : DataViewRowCursor
    {
        private long position = -1;

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => position;

        public override long Batch => 0;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext()
        {
            if (position + 1 >= parent.GetRowCount())
            {
                return false;
            }

            position++;
            Interlocked.Increment(ref parent.rowsRead);
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => column.Index == 0
            ? (ValueGetter<TValue>)(Delegate)(ValueGetter<uint>)((ref uint value) => value = parent.label(position))
            : (ValueGetter<TValue>)(Delegate)(ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, parent.features);
                parent.fill(position, editor.Values);
                value = editor.Commit();
            });
    }
}
