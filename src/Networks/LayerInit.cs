using TorchSharp;
using TorchSharp.Modules;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// Re-draws the weights of every convolution and linear layer of a module from a given generator, with PyTorch's
/// default formula (kaiming_uniform with a = sqrt(5) on the weight, which is U(+-1/sqrt(fan_in)), and the same bound on
/// the bias), so a network built with a seed is the same wherever and whenever it is built. libtorch's modules draw
/// from the global generator when they are created; this makes construction independent of that shared state.
/// </summary>
internal static class LayerInit
{
    internal static void Reset(torch.nn.Module module, torch.Generator? generator)
    {
        if (generator is null)
        {
            return;
        }

        using var noGrad = torch.no_grad();
        foreach (var layer in module.modules())
        {
            switch (layer)
            {
                case Conv2d conv:
                    Uniform(conv.weight, conv.bias, conv.in_channels / conv.groups * conv.kernel_size.Aggregate(1L, (a, k) => a * k), generator);
                    break;
                case Linear linear:
                    Uniform(linear.weight, linear.bias, linear.in_features, generator);
                    break;
            }
        }
    }

    private static void Uniform(torch.Tensor weight, torch.Tensor? bias, long fanIn, torch.Generator generator)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        // Tensor.uniform_ draws from the given generator (TorchSharp's nn.init.uniform_ ignores its generator argument).
        weight.uniform_(-bound, bound, generator);
        bias?.uniform_(-bound, bound, generator);
    }
}
