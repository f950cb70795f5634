using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Nn;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// ResNet basic block: conv3x3-BN-ReLU-conv3x3-BN plus a shortcut, then ReLU. The shortcut is conv1x1 (no bias) + BN
/// when the stride or channel count changes (option B of the ResNet paper), identity otherwise. State-dict names
/// follow torchvision: <c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>, <c>shortcut.0</c>, <c>shortcut.1</c>.
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly Conv2d _conv2;
    private readonly BatchNorm2d _bn2;
    private readonly Sequential? _shortcut;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/> with the given stride.</summary>
    public BasicBlock(int inChannels, int outChannels, int stride = 1, Generator? generator = null)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, 3, stride, 1, bias: false, generator));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(outChannels));
        _conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, 1, 1, bias: false, generator));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels));
        if (stride != 1 || inChannels != outChannels)
        {
            _shortcut = RegisterModule("shortcut", new Sequential(
                new Conv2d(inChannels, outChannels, 1, stride, 0, bias: false, generator),
                new BatchNorm2d(outChannels)));
        }
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var h = Functional.Relu(_bn1.Forward(_conv1.Forward(input)));
        h = _bn2.Forward(_conv2.Forward(h));
        var skip = _shortcut?.Forward(input) ?? input;
        return Functional.Relu(Functional.Add(h, skip));
    }
}
