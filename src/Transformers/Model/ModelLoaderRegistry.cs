using System.Collections.Concurrent;
using System.Reflection;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The loaders of model folders, keyed by signature: every <see cref="ModelLoaderAttribute"/> method of this library,
/// plus what <see cref="RegisterAssembly"/> and <see cref="Register"/> add.
/// </summary>
public static class ModelLoaderRegistry
{
    private static readonly ConcurrentDictionary<string, (Func<ModelLoadContext, ICanSaveModel> Create, string Origin)> Loaders = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Assembly, bool> Scanned = new();

    static ModelLoaderRegistry() => RegisterAssembly(typeof(ModelLoaderRegistry).Assembly);

    /// <summary>The registered signatures.</summary>
    public static IReadOnlyCollection<string> Signatures => [.. Loaders.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers every <see cref="ModelLoaderAttribute"/> method of <paramref name="assembly"/> (once per assembly).</summary>
    public static void RegisterAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (!Scanned.TryAdd(assembly, true))
        {
            return;
        }

        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                foreach (var attribute in method.GetCustomAttributes<ModelLoaderAttribute>())
                {
                    var parameters = method.GetParameters();
                    if (parameters.Length != 1 || parameters[0].ParameterType != typeof(ModelLoadContext) || !typeof(ICanSaveModel).IsAssignableFrom(method.ReturnType) || method.ContainsGenericParameters)
                    {
                        throw new InvalidOperationException($"[ModelLoader(\"{attribute.Signature}\")] on {type.FullName}.{method.Name}: the method must be static, take one ModelLoadContext and return an ICanSaveModel.");
                    }

                    var create = (Func<ModelLoadContext, ICanSaveModel>)(ctx => (ICanSaveModel)Invoke(method, ctx)!);
                    RegisterCore(attribute.Signature, create, $"{type.FullName}.{method.Name}");
                }
            }
        }
    }

    /// <summary>Registers <paramref name="create"/> as the loader for <paramref name="signature"/>; a signature can be registered once.</summary>
    public static void Register(string signature, Func<ModelLoadContext, ICanSaveModel> create) => RegisterCore(signature, create, create.Method.DeclaringType?.FullName + "." + create.Method.Name);

    /// <summary>Creates the component of the folder <paramref name="ctx"/> reads, with the loader of its signature.</summary>
    internal static ICanSaveModel Create(ModelLoadContext ctx)
    {
        if (!Loaders.TryGetValue(ctx.LoaderSignature, out var loader))
        {
            throw ctx.Error($"'{ctx.Directory}' needs loader '{ctx.LoaderSignature}', which this build does not know (known: {string.Join(", ", Signatures)}); was the model written by a newer version or by an assembly not registered with ModelLoaderRegistry.RegisterAssembly?");
        }

        return loader.Create(ctx);
    }

    private static void RegisterCore(string signature, Func<ModelLoadContext, ICanSaveModel> create, string origin)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signature);
        ArgumentNullException.ThrowIfNull(create);
        if (!Loaders.TryAdd(signature, (create, origin)) && Loaders[signature].Origin != origin)
        {
            throw new InvalidOperationException($"Loader signature '{signature}' of {origin} is already registered by {Loaders[signature].Origin}.");
        }
    }

    private static object? Invoke(MethodInfo method, ModelLoadContext ctx)
    {
        try
        {
            return method.Invoke(null, [ctx]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
