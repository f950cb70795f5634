namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>A module with a typed forward pass (TorchSharp's <c>Module&lt;T, TResult&gt;</c>).</summary>
/// <typeparam name="TInput">Input type.</typeparam>
/// <typeparam name="TOutput">Output type.</typeparam>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>Computes the module's output.</summary>
    public abstract TOutput Forward(TInput input);
}
