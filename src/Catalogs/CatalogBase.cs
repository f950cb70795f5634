namespace ClassyNet.MLNet;

/// <summary>
/// Base of the catalogs hanging off <see cref="MLContext"/> (<c>ml.Data</c>, <c>ml.Transforms</c>, ...). Components are
/// added as extension methods on a catalog type, which reach the context through <see cref="Context"/>.
/// </summary>
public abstract class CatalogBase
{
    /// <summary>Creates a catalog of <paramref name="context"/>.</summary>
    protected CatalogBase(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
    }

    /// <summary>The context: its seed-derived randomness and its log.</summary>
    public MLContext Context { get; }
}
