using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Nn;

namespace ClassyNet.MLNet.Networks;

/// <summary>An exit head: global average pooling of a [N, C, H, W] activation, then <c>fc</c> = Linear(C, outputs).</summary>
public sealed class ExitBranch : Module<Tensor, Tensor>
{
    private readonly Linear _fc;

    /// <summary>Creates a head from <paramref name="channels"/> features to <paramref name="outputs"/> logits.</summary>
    public ExitBranch(int channels, int outputs, Generator? generator = null)
    {
        Outputs = outputs;
        _fc = RegisterModule("fc", new Linear(channels, outputs, bias: true, generator));
    }

    /// <summary>Number of logits.</summary>
    public int Outputs { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        _fc.Forward(input.Rank == 4 ? Functional.GlobalAvgPool2d(input) : input);
}
