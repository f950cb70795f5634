namespace ClassyNet.MLNet.Data;

/// <content>The schema builder.</content>
public sealed partial class DataViewSchema
{
    /// <summary>Builds a <see cref="DataViewSchema"/> column by column.</summary>
    public sealed class Builder
    {
        private readonly List<DetachedColumn> items = [];

        /// <summary>Adds a column.</summary>
        public void AddColumn(string name, DataViewType type, Annotations? annotations = null) => items.Add(new DetachedColumn(name, type, annotations));

        /// <summary>Adds columns described elsewhere (for example the columns of another schema).</summary>
        public void AddColumns(IEnumerable<DetachedColumn> columns)
        {
            ArgumentNullException.ThrowIfNull(columns);
            items.AddRange(columns);
        }

        /// <summary>Adds the columns of a schema, hidden ones included, with their annotations.</summary>
        public void AddColumns(IEnumerable<Column> columns)
        {
            ArgumentNullException.ThrowIfNull(columns);
            items.AddRange(columns.Select(c => new DetachedColumn(c)));
        }

        /// <summary>The schema of the columns added so far.</summary>
        public DataViewSchema ToSchema() => new(items);
    }
}
