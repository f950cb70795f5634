using System.Linq.Expressions;
using System.Reflection;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// One public field or property of a row class and the column it maps to: name (member name or
/// <see cref="ColumnNameAttribute"/>), type (from the member type, <see cref="VectorTypeAttribute"/> and
/// <see cref="KeyTypeAttribute"/>), and typed getter/setter factories.
/// </summary>
internal sealed class PocoColumn
{
    private PocoColumn(MemberInfo member, Type memberType, string name, DataViewType type, PocoKind kind, bool canRead, bool canWrite)
    {
        Member = member;
        MemberType = memberType;
        Name = name;
        Type = type;
        Kind = kind;
        CanRead = canRead;
        CanWrite = canWrite;
        LoadColumn = member.GetCustomAttribute<LoadColumnAttribute>();
    }

    public MemberInfo Member { get; }

    public Type MemberType { get; }

    public string Name { get; }

    public DataViewType Type { get; }

    public PocoKind Kind { get; }

    public bool CanRead { get; }

    public bool CanWrite { get; }

    public LoadColumnAttribute? LoadColumn { get; }

    /// <summary>"Class.Member" for messages.</summary>
    public string Describe() => $"{Member.DeclaringType?.Name}.{Member.Name} ({DataViewChecks.TypeName(MemberType)})";

    /// <summary>The columns of <paramref name="rowType"/> in declaration order.</summary>
    public static PocoColumn[] For(Type rowType)
    {
        var members = rowType.GetMembers(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m is FieldInfo or PropertyInfo && m.GetCustomAttribute<NoColumnAttribute>() is null)
            .Where(m => m is not PropertyInfo p || p.GetIndexParameters().Length == 0)
            .OrderBy(m => m.MetadataToken);
        var result = new List<PocoColumn>();
        foreach (var member in members)
        {
            result.Add(Create(member));
        }

        var duplicate = result.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Class {rowType.Name} maps {string.Join(" and ", duplicate.Select(c => c.Member.Name))} to the same column '{duplicate.Key}'.");
        }

        return [.. result];
    }

    private static PocoColumn Create(MemberInfo member)
    {
        var (memberType, canRead, canWrite) = member switch
        {
            FieldInfo f => (f.FieldType, true, !f.IsInitOnly),
            PropertyInfo p => (p.PropertyType, p.GetMethod?.IsPublic == true, p.SetMethod?.IsPublic == true),
            _ => throw new InvalidOperationException(),
        };
        string name = member.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? member.Name;
        var vector = member.GetCustomAttribute<VectorTypeAttribute>();
        var key = member.GetCustomAttribute<KeyTypeAttribute>();
        string where = $"{member.DeclaringType?.Name}.{member.Name}";

        PrimitiveDataViewType Item(Type t)
        {
            if (key is not null)
            {
                return t == typeof(uint) ? new KeyDataViewType(typeof(uint), key.Count)
                    : throw new InvalidOperationException($"Member {where} has [KeyType] but type {DataViewChecks.TypeName(t)}; keys must be uint.");
            }

            if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>))
            {
                return TextDataViewType.Instance;
            }

            if (t == typeof(bool))
            {
                return BooleanDataViewType.Instance;
            }

            return NumberDataViewType.FromRawType(t) ?? throw new InvalidOperationException(
                $"Member {where} has type {DataViewChecks.TypeName(memberType)}, which cannot be a column; use float, double, int, uint, long, bool, string, an array of these or VBuffer<T> (or mark it [NoColumn]).");
        }

        if (memberType.IsArray && memberType.GetArrayRank() == 1 && memberType.GetElementType() != typeof(string))
        {
            var item = Item(memberType.GetElementType()!);
            return new PocoColumn(member, memberType, name, new VectorDataViewType(item, [.. vector?.Dimensions ?? []]), PocoKind.Array, canRead, canWrite);
        }

        if (memberType.IsGenericType && memberType.GetGenericTypeDefinition() == typeof(VBuffer<>))
        {
            var item = Item(memberType.GetGenericArguments()[0]);
            return new PocoColumn(member, memberType, name, new VectorDataViewType(item, [.. vector?.Dimensions ?? []]), PocoKind.VBuffer, canRead, canWrite);
        }

        if (vector is not null)
        {
            throw new InvalidOperationException($"Member {where} has [VectorType] but type {DataViewChecks.TypeName(memberType)}; use an array or VBuffer<T>.");
        }

        var scalar = Item(memberType);
        return new PocoColumn(member, memberType, name, scalar, memberType == typeof(string) ? PocoKind.String : PocoKind.Scalar, canRead, canWrite);
    }

    /// <summary>A getter of the column's raw type that reads this member of the row <paramref name="current"/> returns.</summary>
    public Delegate MakeGetter<TRow>(Func<TRow> current)
    {
        string method = Kind switch
        {
            PocoKind.Array => nameof(PocoAccessors.ArrayGetter),
            PocoKind.VBuffer => nameof(PocoAccessors.VBufferGetter),
            PocoKind.String => nameof(PocoAccessors.StringGetter),
            _ => nameof(PocoAccessors.ScalarGetter),
        };
        var generic = Kind is PocoKind.Array ? MemberType.GetElementType()! : Kind is PocoKind.VBuffer ? MemberType.GetGenericArguments()[0] : MemberType;
        var info = typeof(PocoAccessors).GetMethod(method)!.MakeGenericMethod(Kind == PocoKind.String ? [typeof(TRow)] : [typeof(TRow), generic]);
        return (Delegate)info.Invoke(null, [current, CompileGet<TRow>(), this])!;
    }

    /// <summary>An action that reads <paramref name="column"/> of <paramref name="row"/> into this member of a row object.</summary>
    public Action<TRow> MakeSetter<TRow>(DataViewRow row, DataViewSchema.Column column, bool reuse)
    {
        string method = Kind switch
        {
            PocoKind.Array => nameof(PocoAccessors.ArraySetter),
            PocoKind.VBuffer => nameof(PocoAccessors.VBufferSetter),
            PocoKind.String => nameof(PocoAccessors.StringSetter),
            _ => nameof(PocoAccessors.ScalarSetter),
        };
        var generic = Kind is PocoKind.Array ? MemberType.GetElementType()! : Kind is PocoKind.VBuffer ? MemberType.GetGenericArguments()[0] : MemberType;
        var info = typeof(PocoAccessors).GetMethod(method)!.MakeGenericMethod(Kind == PocoKind.String ? [typeof(TRow)] : [typeof(TRow), generic]);
        var get = CanRead ? CompileGet<TRow>() : null;
        return (Action<TRow>)info.Invoke(null, [row, column, get, CompileSet<TRow>(), reuse])!;
    }

    /// <summary>True when a column of <paramref name="type"/> can be written into this member.</summary>
    public bool Accepts(DataViewType type)
    {
        if (type.Equals(Type))
        {
            return true;
        }

        return (Type, type) switch
        {
            (VectorDataViewType mine, VectorDataViewType theirs) => mine.ItemType.RawType == theirs.ItemType.RawType && (!mine.IsKnownSize || mine.Size == theirs.Size),
            (PrimitiveDataViewType mine, PrimitiveDataViewType theirs) => mine.RawType == theirs.RawType,
            _ => false,
        };
    }

    private Delegate CompileGet<TRow>()
    {
        var row = Expression.Parameter(typeof(TRow), "row");
        var body = Expression.MakeMemberAccess(row, Member);
        return Expression.Lambda(typeof(Func<,>).MakeGenericType(typeof(TRow), MemberType), body, row).Compile();
    }

    private Delegate CompileSet<TRow>()
    {
        if (!CanWrite)
        {
            throw new InvalidOperationException($"Member {Describe()} has no public setter; the column '{Name}' cannot be written into it.");
        }

        var row = Expression.Parameter(typeof(TRow), "row");
        var value = Expression.Parameter(MemberType, "value");
        var body = Expression.Assign(Expression.MakeMemberAccess(row, Member), value);
        return Expression.Lambda(typeof(Action<,>).MakeGenericType(typeof(TRow), MemberType), body, row, value).Compile();
    }
}
