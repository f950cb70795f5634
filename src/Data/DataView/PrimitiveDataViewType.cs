namespace ClassyNet.MLNet.Data;

/// <summary>A type with one value per row that is not a vector: numbers, text, booleans, keys and row ids.</summary>
public abstract class PrimitiveDataViewType : DataViewType
{
    /// <summary>Creates the type for <paramref name="rawType"/>.</summary>
    protected PrimitiveDataViewType(Type rawType)
        : base(rawType)
    {
    }
}
