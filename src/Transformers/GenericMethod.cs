using System.Reflection;
using System.Runtime.ExceptionServices;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Calls one of this library's own generic methods with a type argument known only at run time (a column's raw type),
/// rethrowing what the method throws as it is. Used where ML.NET's typed getters meet columns of any type.
/// </summary>
internal static class GenericMethod
{
    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;

    public static TResult Invoke<TResult>(Type owner, string name, Type typeArgument, object? target, params object?[] arguments)
    {
        var method = owner.GetMethod(name, Any) ?? throw new MissingMethodException(owner.FullName, name);
        try
        {
            return (TResult)method.MakeGenericMethod(typeArgument).Invoke(target, arguments)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
