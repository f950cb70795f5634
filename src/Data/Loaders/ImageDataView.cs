using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// An image dataset as an ML.NET data view: <c>Label</c> (Single, the class) and <c>Features</c> (Vector&lt;Single&gt;
/// with dimensions [C, H, W], pixels / 255). Pixels stay bytes in their source until a cursor reads a row; the row
/// count is known and cursors can shuffle. A row's id is its index in the dataset.
/// </summary>
internal sealed class ImageDataView : IDataView
{
    private readonly ImageSource source;

    public ImageDataView(ImageSource source)
    {
        this.source = source;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", NumberDataViewType.Single);
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, source.Channels, source.Height, source.Width));
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => true;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => source.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        return new Cursor(this, columnsNeeded, rand);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ImageDataView parent;
        private readonly ImageReader reader;
        private readonly bool[] active;
        private readonly int[]? order;
        private readonly byte[] pixels;
        private long position = -1;
        private long index = -1;
        private long readAt = -1;
        private int label;

        public Cursor(ImageDataView parent, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand)
        {
            this.parent = parent;
            active = new bool[parent.Schema.Count];
            foreach (var column in columnsNeeded)
            {
                active[column.Index] = true;
            }

            var source = parent.source;
            reader = source.OpenReader();
            pixels = new byte[source.ImageSize];
            if (rand is not null)
            {
                order = [.. Enumerable.Range(0, checked((int)source.Count))];
                rand.Shuffle(order);
            }
        }

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => position;

        public override long Batch => 0;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)OnRow(), 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

        public override bool MoveNext()
        {
            long next = position + 1;
            if (next >= parent.source.Count)
            {
                index = -1;
                return false;
            }

            position = next;
            index = order is null ? next : order[next];
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!active[column.Index])
            {
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; list it in the columns needed.");
            }

            Delegate getter = column.Index == 0
                ? (ValueGetter<float>)((ref float value) =>
                {
                    Load();
                    value = label;
                })
                : (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    Load();
                    var editor = VBufferEditor.Create(ref value, pixels.Length);
                    for (int i = 0; i < pixels.Length; i++)
                    {
                        editor.Values[i] = pixels[i] / 255f;
                    }

                    value = editor.Commit();
                });
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                reader.Dispose();
            }

            base.Dispose(disposing);
        }

        private long OnRow() => index >= 0 ? index : throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");

        private void Load()
        {
            long row = OnRow();
            if (readAt != row)
            {
                label = reader.Read(row, pixels);
                readAt = row;
            }
        }
    }
}
