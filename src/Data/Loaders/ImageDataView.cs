namespace ClassyNet.MLNet.Data;

/// <summary>
/// An image dataset as a data view: <c>Label</c> (Single, the class) and <c>Features</c> (Vector&lt;Single&gt; with
/// dimensions [C, H, W], pixels / 255). Pixels stay bytes in their source until a cursor reads a row; the row count is
/// known and cursors can shuffle.
/// </summary>
internal sealed class ImageDataView : IDataView
{
    private readonly ImageSource source;

    public ImageDataView(ImageSource source, IReadOnlyList<string>? classNames)
    {
        this.source = source;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(DefaultColumnNames.Label, NumberDataViewType.Single);
        builder.AddColumn(DefaultColumnNames.Features, new VectorDataViewType(NumberDataViewType.Single, source.Channels, source.Height, source.Width));
        Schema = builder.ToSchema();
        ClassNames = classNames;
    }

    /// <summary>The class names in label order, when the dataset has them.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    public bool CanShuffle => true;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => source.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        return new Cursor(this, columnsNeeded, rand);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : RowCursorBase
    {
        private readonly ImageSource source;
        private readonly ImageReader reader;
        private readonly int[]? order;
        private readonly byte[] pixels;
        private long index = -1;
        private long readAt = -1;
        private int label;

        public Cursor(ImageDataView parent, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand)
            : base(parent.Schema, columnsNeeded)
        {
            source = parent.source;
            reader = source.OpenReader();
            pixels = new byte[source.ImageSize];
            if (rand is not null)
            {
                order = [.. Enumerable.Range(0, checked((int)source.Count))];
                rand.Shuffle(order);
            }
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)index, 0);

        protected override bool MoveNextCore()
        {
            long next = Position + 1;
            if (next >= source.Count)
            {
                return false;
            }

            index = order is null ? next : order[next];
            return true;
        }

        protected override ValueGetter<TValue> GetGetterCore<TValue>(DataViewSchema.Column column)
        {
            if (column.Index == 0)
            {
                return (ValueGetter<TValue>)(object)(ValueGetter<float>)((ref float value) =>
                {
                    Load();
                    value = label;
                });
            }

            return (ValueGetter<TValue>)(object)(ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                Load();
                var editor = VBufferEditor.Create(ref value, pixels.Length);
                var values = editor.Values;
                for (int i = 0; i < pixels.Length; i++)
                {
                    values[i] = pixels[i] / 255f;
                }

                value = editor.Commit();
            });
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                reader.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Load()
        {
            if (index < 0)
            {
                throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");
            }

            if (readAt != index)
            {
                label = reader.Read(index, pixels);
                readAt = index;
            }
        }
    }
}
