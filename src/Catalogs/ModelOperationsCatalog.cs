namespace ClassyNet.MLNet;

/// <summary><c>ml.Model</c>: saving and loading models, and prediction engines.</summary>
public sealed partial class ModelOperationsCatalog : CatalogBase
{
    internal ModelOperationsCatalog(MLContext context)
        : base(context)
    {
    }
}
