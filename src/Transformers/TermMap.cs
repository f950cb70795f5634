using System.Text.Json;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>The values (terms) a <see cref="ValueToKeyMappingTransformer"/> column maps to keys 1 .. Count.</summary>
internal abstract class TermMap
{
    /// <summary>The item type of the terms.</summary>
    public abstract PrimitiveDataViewType ItemType { get; }

    public abstract int Count { get; }

    /// <summary>An empty map for values of <paramref name="itemType"/>.</summary>
    public static TermMap Create(PrimitiveDataViewType itemType) =>
        (TermMap)Activator.CreateInstance(typeof(TermMap<>).MakeGenericType(itemType.RawType), itemType)!;

    /// <summary>A map read from <see cref="ToJson"/>'s output.</summary>
    public static TermMap FromJson(PrimitiveDataViewType itemType, JsonElement terms)
    {
        var map = Create(itemType);
        map.LoadJson(terms);
        return map;
    }

    /// <summary>The terms as a JSON array (numbers, strings or booleans).</summary>
    public abstract object ToJson();

    /// <summary>Sorts the terms by value (for key ordinality ByValue).</summary>
    public abstract void SortByValue();

    /// <summary>A reader that adds the values of <paramref name="column"/> of <paramref name="row"/> (up to <paramref name="maximum"/> terms).</summary>
    public abstract Action MakeCollector(DataViewRow row, DataViewSchema.Column column, int maximum);

    /// <summary>A getter of keys (scalar or vector, like the input) over <paramref name="row"/>'s <paramref name="column"/>.</summary>
    public abstract Delegate MakeKeyGetter(DataViewRow row, DataViewSchema.Column column);

    /// <summary>Adds the KeyValues annotation (as the term type, or as text).</summary>
    public abstract void AddKeyValues(DataViewSchema.Annotations.Builder builder, bool asText);

    protected abstract void LoadJson(JsonElement terms);
}
