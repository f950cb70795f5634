namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>One residual block of a <see cref="ChannelPlan"/>; its input channels are the previous block's (or the stem's) output.</summary>
/// <param name="Mid">Channels between the block's two convolutions.</param>
/// <param name="Out">Output channels (the residual stream's width after the block).</param>
/// <param name="Stride">Stride of the first convolution (and of the shortcut).</param>
/// <param name="Shortcut">Whether the shortcut is a conv1x1 + BN (true) or the identity; as in <see cref="ClassyNet.MLNet.Networks.BasicBlock"/>, a convolution exactly when the stride or the channel count changes.</param>
public sealed record BlockChannels(int Mid, int Out, int Stride, bool Shortcut);
