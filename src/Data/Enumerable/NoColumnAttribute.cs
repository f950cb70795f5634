namespace ClassyNet.MLNet.Data;

/// <summary>Excludes a public field or property from the columns of a class.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class NoColumnAttribute : Attribute
{
}
