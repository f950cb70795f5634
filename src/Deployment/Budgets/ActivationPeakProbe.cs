using ClassyNet.MLNet.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>
/// Measures, on TorchSharp, the activation memory an edge part (stem, stages 0..k and exit heads 0..k) holds while it
/// runs one batch in inference mode.
/// </summary>
/// <remarks>
/// <para>
/// What is measured: the batch is created and run inside a fresh <c>torch.NewDisposeScope()</c>, which tracks every
/// tensor the forward pass creates until it is disposed. Forward pre- and post-hooks on every module of the edge part
/// (containers and layers) and a check after each stage and head sample that set: the bytes of the distinct storages
/// (<c>Storage.nbytes()</c>, views of one storage counted once) of all tensors alive at that moment, including the
/// input batch until stage 0 has consumed it. Parameters and buffers are not activations and are not in the set. The
/// result is the largest sample and where it was taken.
/// </para>
/// <para>
/// The whole batch runs every stage (no sample leaves early), which is the edge part's worst case. Memory that lives
/// only inside a single call is not seen: libtorch's convolution workspaces, and the last instant of a residual block,
/// when its sum and the ReLU of the sum exist next to the block's intermediates before it returns. The figure is
/// therefore a floor of the real peak at module granularity, measured on the actual tensors of this library's
/// implementation (a block keeps its intermediates until it returns).
/// </para>
/// </remarks>
public static class ActivationPeakProbe
{
    /// <summary>
    /// Runs a random batch of <paramref name="batchSize"/> samples of shape <paramref name="inputShape"/> through the edge
    /// part ending at exit <paramref name="lastExit"/> (0-based) and returns the peak of live activation bytes.
    /// </summary>
    public static ActivationPeak Measure(MultiExitNetwork network, int lastExit, IReadOnlyList<int> inputShape, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputShape);
        if ((uint)lastExit >= (uint)network.ExitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(lastExit), lastExit, $"lastExit must be an exit index in [0, {network.ExitCount}).");
        }

        if (inputShape.Count == 0 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentException($"inputShape must list at least one dimension, each >= 1 (one sample, no batch dimension); got [{string.Join(", ", inputShape)}].", nameof(inputShape));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        bool wasTraining = network.training;
        network.eval();
        var hooks = new List<Action>();
        try
        {
            using var inference = inference_mode();
            using var scope = NewDisposeScope();
            var census = new Census(scope);
            foreach (var (name, module) in network.named_modules())
            {
                if (name.Length > 0 && InEdgePart(name, lastExit) && module is nn.Module<Tensor, Tensor> hookable)
                {
                    hooks.Add(hookable.register_forward_pre_hook(_ => census.Sample("before " + name)).remove);
                    hooks.Add(hookable.register_forward_hook(_ => census.Sample("after " + name)).remove);
                }
            }

            long[] shape = [batchSize, .. inputShape.Select(d => (long)d)];
            var x = rand(shape, device: network.Device);
            census.Sample("input");
            for (int m = 0; m <= lastExit; m++)
            {
                var next = network.ForwardStage(m, x);
                x.Dispose();
                x = next;
                census.Sample($"after stage {m}");
                using var logits = network.ForwardExit(m, x);
                census.Sample($"after exit head {m}");
            }

            return new ActivationPeak(census.PeakBytes, census.PeakAt, census.Samples, batchSize);
        }
        finally
        {
            foreach (var remove in hooks)
            {
                remove();
            }

            network.train(wasTraining);
        }
    }

    private static bool InEdgePart(string name, int lastExit)
    {
        if (name == "stem" || name.StartsWith("stem.", StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var root in new[] { "stages.", "exits." })
        {
            if (name.StartsWith(root, StringComparison.Ordinal))
            {
                var rest = name.AsSpan(root.Length);
                int dot = rest.IndexOf('.');
                return int.TryParse(dot < 0 ? rest : rest[..dot], out int index) && index <= lastExit;
            }
        }

        return false;
    }

    /// <summary>Sums the distinct storages of the tensors alive in a dispose scope.</summary>
    private sealed class Census(DisposeScope scope)
    {
        public long PeakBytes { get; private set; }

        public string PeakAt { get; private set; } = "input";

        public int Samples { get; private set; }

        public void Sample(string where)
        {
            Samples++;
            var live = scope.DisposablesView;
            var storages = new HashSet<IntPtr>();
            long bytes = 0;
            using (NewDisposeScope())
            {
                // Storage<float> needs a same-typed alias of the tensor; this inner scope disposes those aliases.
                foreach (var item in live)
                {
                    if (item is not Tensor t || t.IsInvalid)
                    {
                        continue;
                    }

                    if (t.dtype == ScalarType.Float32)
                    {
                        using var storage = t.storage<float>();
                        if (storages.Add(storage.data_ptr()))
                        {
                            bytes += (long)storage.nbytes();
                        }
                    }
                    else
                    {
                        bytes += t.NumberOfElements * t.ElementSize;
                    }
                }
            }

            if (bytes > PeakBytes)
            {
                PeakBytes = bytes;
                PeakAt = where;
            }
        }
    }
}
