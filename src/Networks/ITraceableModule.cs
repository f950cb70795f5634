namespace ClassyNet.MLNet.Networks;

/// <summary>A composite module of ours that can say, from its layers' shapes, what it does to one sample (see <see cref="ModuleTrace"/>).</summary>
internal interface ITraceableModule
{
    /// <summary>Output shape and multiply-accumulates for one sample of shape <paramref name="input"/> (no batch dimension).</summary>
    LayerTrace Trace(long[] input);
}
