namespace ClassyNet.MLNet.Transformers;

/// <summary>A component that can write itself into a model file (see <see cref="ModelSaveContext"/>).</summary>
public interface ICanSaveModel
{
    /// <summary>
    /// Writes the component's parameters into <paramref name="ctx"/>; implementations call
    /// <see cref="ModelSaveContext.SetVersionInfo"/> with the signature of a <see cref="ModelLoaderAttribute"/> loader.
    /// </summary>
    void Save(ModelSaveContext ctx);
}
