using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Joins scalar and vector columns of one item type into one vector column (<c>ml.Transforms.Concatenate</c>), in the
/// order given. The output has the sum of the sizes when all are known (else a variable size), and SlotNames when every
/// input is a scalar (named after its column) or carries SlotNames.
/// </summary>
public sealed class ColumnConcatenatingTransformer : RowToRowTransformerBase
{
    internal const string LoaderSignature = "Concatenate";

    internal ColumnConcatenatingTransformer(string outputColumnName, string[] inputColumnNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentNullException.ThrowIfNull(inputColumnNames);
        if (inputColumnNames.Length == 0 || inputColumnNames.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("At least one input column name is needed, and none may be empty.", nameof(inputColumnNames));
        }

        OutputColumnName = outputColumnName;
        InputColumnNames = [.. inputColumnNames];
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The input columns, in order.</summary>
    public IReadOnlyList<string> InputColumnNames { get; }

    [ModelLoader(LoaderSignature)]
    internal static ColumnConcatenatingTransformer Create(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1, 1);
        var names = ctx.LoadJson<string[]>("Columns.json");
        if (names.Length < 2 || names.Any(string.IsNullOrEmpty))
        {
            throw ctx.Error($"'{ctx.Directory}Columns.json' must list the output and at least one input column");
        }

        return new ColumnConcatenatingTransformer(names[0], names[1..]);
    }

    /// <summary>The item type a concatenation of <paramref name="items"/> has; throws naming the first column that differs.</summary>
    internal static DataViewType CommonItemType(IReadOnlyList<(string Name, DataViewType Item)> items)
    {
        var first = items[0];
        foreach (var (name, item) in items.Skip(1))
        {
            if (!item.Equals(first.Item) && !(item is KeyDataViewType && first.Item is KeyDataViewType && item.RawType == first.Item.RawType))
            {
                throw new ArgumentOutOfRangeException("inputSchema", $"Schema mismatch for input column '{name}': expected items of {first.Item} (as column '{first.Name}'), got {item}.");
            }
        }

        return first.Item;
    }

    /// <inheritdoc/>
    protected override RowToRowMapperBase MakeMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var inputs = InputColumnNames.Select(n => ColumnRequirement.Custom(n, "a scalar or vector of a primitive type", _ => true, _ => true).Bind(inputSchema)).ToArray();
        var item = CommonItemType([.. inputs.Select(c => (c.Name, ValueToKeyMappingTransformer.ItemOf(c.Type)))]);
        return new Mapper(this, inputSchema, inputs, (PrimitiveDataViewType)item);
    }

    /// <inheritdoc/>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature, 1);
        ctx.SaveJson("Columns.json", new[] { OutputColumnName }.Concat(InputColumnNames).ToArray());
    }

    private sealed class Mapper(ColumnConcatenatingTransformer parent, DataViewSchema inputSchema, DataViewSchema.Column[] inputs, PrimitiveDataViewType item) : RowToRowMapperBase(inputSchema)
    {
        private readonly int[] sizes = [.. inputs.Select(c => c.Type is VectorDataViewType v ? v.Size : 1)];

        public override IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex) => inputs;

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
        {
            bool known = sizes.All(s => s > 0);
            int total = known ? sizes.Sum() : 0;
            var outputItem = item is KeyDataViewType ? new KeyDataViewType(typeof(uint), inputs.Max(c => ((KeyDataViewType)ValueToKeyMappingTransformer.ItemOf(c.Type)).Count)) : item;
            var annotations = new DataViewSchema.Annotations.Builder();
            if (known && inputs.All(c => c.Type is not VectorDataViewType || c.HasSlotNames()))
            {
                var names = new List<ReadOnlyMemory<char>>();
                foreach (var c in inputs)
                {
                    if (c.Type is VectorDataViewType)
                    {
                        VBuffer<ReadOnlyMemory<char>> slots = default;
                        c.GetSlotNames(ref slots);
                        names.AddRange(slots.DenseValues());
                    }
                    else
                    {
                        names.Add(c.Name.AsMemory());
                    }
                }

                var array = names.ToArray();
                annotations.AddSlotNames(array.Length, ValueCopier<VBuffer<ReadOnlyMemory<char>>>.Constant(new VBuffer<ReadOnlyMemory<char>>(array.Length, array)));
            }

            return [new DataViewSchema.DetachedColumn(parent.OutputColumnName, new VectorDataViewType(outputItem, total), annotations.ToAnnotations())];
        }

        protected override Delegate MakeGetter(DataViewRow input, int outputIndex)
        {
            var method = typeof(Mapper).GetMethod(nameof(Concat), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(item.RawType);
            return (Delegate)method.Invoke(this, [input])!;
        }

        private ValueGetter<VBuffer<T>> Concat<T>(DataViewRow input)
        {
            var parts = inputs.Select(c => c.Type is VectorDataViewType ? (Delegate)input.GetGetter<VBuffer<T>>(c) : input.GetGetter<T>(c)).ToArray();
            var buffers = new VBuffer<T>[parts.Length];
            var scalars = new T[parts.Length];
            int expected = sizes.All(s => s > 0) ? sizes.Sum() : 0;
            return (ref VBuffer<T> value) =>
            {
                int total = 0;
                for (int i = 0; i < parts.Length; i++)
                {
                    if (parts[i] is ValueGetter<VBuffer<T>> vector)
                    {
                        vector(ref buffers[i]);
                        if (sizes[i] > 0 && buffers[i].Length != sizes[i])
                        {
                            throw new InvalidOperationException($"Column '{inputs[i].Name}' ({inputs[i].Type}) holds a vector of {buffers[i].Length} values.");
                        }

                        total += buffers[i].Length;
                    }
                    else
                    {
                        ((ValueGetter<T>)parts[i])(ref scalars[i]);
                        total++;
                    }
                }

                var editor = VBufferEditor.Create(ref value, total);
                int offset = 0;
                for (int i = 0; i < parts.Length; i++)
                {
                    if (parts[i] is ValueGetter<VBuffer<T>>)
                    {
                        buffers[i].CopyTo(editor.Values.Slice(offset, buffers[i].Length));
                        offset += buffers[i].Length;
                    }
                    else
                    {
                        editor.Values[offset++] = scalars[i];
                    }
                }

                value = editor.Commit();
            };
        }
    }
}
