using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Base of transformers that add columns computed from each row alone (every transformer of this library, and the
/// ClassyNet scorer). A derived class binds a <see cref="RowToRowMapperBase"/> to an input schema in
/// <see cref="MakeMapper"/> (checking its input columns there, see <see cref="ColumnRequirement"/>) and writes its
/// parameters in <see cref="SaveModel"/>; the base provides the lazy <see cref="Transform"/>, the output schema and the
/// row-to-row mapper.
/// </summary>
public abstract class RowToRowTransformerBase : ITransformer
{
    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return MakeMapper(inputSchema).OutputSchema;
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new BoundRowToRowMapper(MakeMapper(inputSchema));
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new RowToRowMappedView(input, MakeMapper(input.Schema));
    }

    /// <inheritdoc/>
    public void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        SaveModel(ctx);
    }

    /// <summary>Binds the transformer to <paramref name="inputSchema"/>; throws naming a missing or mistyped input column.</summary>
    protected abstract RowToRowMapperBase MakeMapper(DataViewSchema inputSchema);

    /// <summary>Writes the parameters; call <see cref="ModelSaveContext.SetVersionInfo"/> with this transformer's loader signature.</summary>
    protected abstract void SaveModel(ModelSaveContext ctx);
}
