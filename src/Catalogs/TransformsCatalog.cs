namespace ClassyNet.MLNet;

/// <summary><c>ml.Transforms</c>: data transforms. Transforms are extension methods on this catalog and its sub-catalogs.</summary>
public sealed class TransformsCatalog : CatalogBase
{
    internal TransformsCatalog(MLContext context)
        : base(context)
    {
        Conversion = new ConversionTransforms(this);
    }

    /// <summary>Type conversions: value to key and back.</summary>
    public ConversionTransforms Conversion { get; }

    /// <summary><c>ml.Transforms.Conversion</c>.</summary>
    public sealed class ConversionTransforms : CatalogBase
    {
        internal ConversionTransforms(TransformsCatalog owner)
            : base(owner.Context)
        {
        }
    }
}
