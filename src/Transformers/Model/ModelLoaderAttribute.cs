namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Registers a static method <c>static T Create(ModelLoadContext ctx)</c> (T a class implementing
/// <see cref="ICanSaveModel"/>) as the loader of model folders whose <see cref="ModelSaveContext.SetVersionInfo"/>
/// signature is <see cref="Signature"/>. Methods in this library are found automatically; another assembly registers
/// its loaders with <see cref="ModelLoaderRegistry.RegisterAssembly"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ModelLoaderAttribute : Attribute
{
    /// <summary>Registers the method for <paramref name="signature"/>.</summary>
    public ModelLoaderAttribute(string signature)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signature);
        Signature = signature;
    }

    /// <summary>The loader signature, unique across loaded assemblies.</summary>
    public string Signature { get; }
}
