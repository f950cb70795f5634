namespace ClassyNet.MLNet.Networks;

/// <summary>What a layer does to one sample: its output shape (no batch dimension) and its multiply-accumulates.</summary>
/// <param name="Output">Shape of one sample's output.</param>
/// <param name="Macs">Multiply-accumulates of convolutions and linear layers for one sample.</param>
internal readonly record struct LayerTrace(long[] Output, long Macs);
