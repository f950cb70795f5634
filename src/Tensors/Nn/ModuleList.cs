using System.Collections;

namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>An indexed list of child modules named "0", "1", ... (PyTorch's <c>nn.ModuleList</c>).</summary>
/// <typeparam name="T">Module type.</typeparam>
public sealed class ModuleList<T> : Module, IReadOnlyList<T>
    where T : Module
{
    private readonly List<T> _items = [];

    /// <summary>Creates a list holding <paramref name="modules"/>.</summary>
    public ModuleList(params T[] modules)
    {
        foreach (var m in modules)
        {
            Add(m);
        }
    }

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public T this[int index] => _items[index];

    /// <summary>Appends a module.</summary>
    public void Add(T module)
    {
        RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
