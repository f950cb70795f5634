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

    private sealed class Cursor : IndexedRowCursor
    {
        private readonly ImageReader reader;
        private readonly byte[] pixels;
        private long readAt = -1;
        private int label;

        public Cursor(ImageDataView parent, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand)
            : base(parent.Schema, parent.source.Count, columnsNeeded, rand)
        {
            reader = parent.source.OpenReader();
            pixels = new byte[parent.source.ImageSize];
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
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
            return Typed<TValue>(getter, column);
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
            long row = Index;
            if (readAt != row)
            {
                label = reader.Read(row, pixels);
                readAt = row;
            }
        }
    }
}
