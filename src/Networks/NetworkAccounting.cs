using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Nn;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// Per-exit cost accounting of a <see cref="MultiExitNetwork"/>: parameters, multiply-accumulates (MACs) and memory of
/// the prefix a sample runs when it leaves at each exit.
/// </summary>
/// <remarks>
/// <para>
/// Parameters are counted from the registered modules (trainable parameters only; batch-norm running statistics are
/// buffers and appear in <see cref="NetworkAccountingExit.PrefixStateBytes"/>). MACs are measured, not derived: one
/// all-zero sample is run stage by stage and head by head with gradients off and the network in evaluation mode, each
/// inside its own <see cref="MacCounter"/> scope, so every convolution, linear layer and matrix product actually
/// executed is counted (one MAC per multiply-add of the kernel; batch norm, ReLU, pooling and additions are not).
/// </para>
/// <para>
/// Activation memory is defined at layer granularity: the stem and each stage are walked through their
/// <see cref="Sequential"/> children (nested <see cref="Sequential"/>s are opened, any other module such as a
/// <see cref="BasicBlock"/> or an <see cref="ExitBranch"/> is one layer). For a layer-by-layer executor that frees a
/// layer's input once its output exists, the live activations while a layer runs are its input plus its output;
/// <see cref="NetworkAccountingExit.PeakActivationBytes"/> is the largest such sum over the prefix and
/// <see cref="NetworkAccountingExit.LargestActivationBytes"/> the largest single tensor (input, layer outputs and
/// logits). Both are float32 bytes at the requested batch size. Temporaries inside a layer (for example the
/// residual branch of a basic block or im2col buffers) are not included, so the figures are lower bounds of what the
/// managed engine allocates.
/// </para>
/// <para>The network's training mode is restored afterwards; a network with mixed per-module modes comes back uniform.</para>
/// </remarks>
public static class NetworkAccounting
{
    /// <summary>
    /// Measures <paramref name="network"/> for samples of shape <paramref name="inputShape"/> (without the batch
    /// dimension, e.g. <c>[1, 28, 28]</c> for an image or <c>[2]</c> for two features); activation bytes are given for
    /// <paramref name="batchSize"/> samples.
    /// </summary>
    public static NetworkAccountingReport Measure(MultiExitNetwork network, IReadOnlyList<int> inputShape, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count == 0 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentException($"inputShape must list at least one dimension, each >= 1 (one sample, no batch dimension); got [{string.Join(", ", inputShape)}].", nameof(inputShape));
        }

        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be at least 1.");
        }

        var stem = Child<Module<Tensor, Tensor>>(network, "stem");
        var stages = Child<ModuleList<Sequential>>(network, "stages");
        int exits = network.ExitCount;
        long stemParameters = CountParameters(stem);
        long stemState = CountState(stem);

        bool wasTraining = network.IsTraining;
        network.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            using var scope = TensorScope.Begin();
            var shape = new int[inputShape.Count + 1];
            shape[0] = 1;
            for (int i = 0; i < inputShape.Count; i++)
            {
                shape[i + 1] = inputShape[i];
            }

            var x = Tensor.Zeros(shape);
            var result = new NetworkAccountingExit[exits];
            long prefixBackboneParameters = stemParameters, prefixBackboneState = stemState, prefixBackboneMacs = 0, headsMacs = 0;
            long largestElements = x.Numel, peakElements = 0, totalMacs = 0, totalParameters = stemParameters;
            for (int m = 0; m < exits; m++)
            {
                Tensor activation;
                long stageMacs;
                using (var counter = MacCounter.Begin())
                {
                    activation = RunStage(network, m, x, inputShape);
                    stageMacs = counter.Macs;
                }

                // Layer walk for memory (its MACs are not counted: it repeats the stage just measured).
                var walked = m == 0 ? Walk(stem, x, ref largestElements, ref peakElements) : x;
                Walk(stages[m], walked, ref largestElements, ref peakElements);

                Tensor logits;
                long headMacs;
                using (var counter = MacCounter.Begin())
                {
                    logits = network.ForwardExit(m, activation);
                    headMacs = counter.Macs;
                }

                long headLargest = Math.Max(largestElements, Math.Max(activation.Numel, logits.Numel));
                long headPeak = Math.Max(peakElements, (long)activation.Numel + logits.Numel);
                long stageParameters = CountParameters(stages[m]) + (m == 0 ? stemParameters : 0);
                long stageState = CountState(stages[m]) + (m == 0 ? stemState : 0);
                long headParameters = CountParameters(network.Exits[m]);
                prefixBackboneParameters += CountParameters(stages[m]);
                prefixBackboneState += CountState(stages[m]);
                prefixBackboneMacs += stageMacs;
                totalParameters += CountParameters(stages[m]) + headParameters;
                totalMacs += stageMacs + headMacs;
                headsMacs += headMacs;
                result[m] = new NetworkAccountingExit
                {
                    Exit = m,
                    StageParameters = stageParameters,
                    HeadParameters = headParameters,
                    PrefixParameters = prefixBackboneParameters + headParameters,
                    PrefixStateBytes = 4 * (prefixBackboneState + CountState(network.Exits[m])),
                    StageMacs = stageMacs,
                    HeadMacs = headMacs,
                    PrefixMacs = prefixBackboneMacs + headMacs,
                    EarlyExitMacs = prefixBackboneMacs + headsMacs,
                    ActivationShape = activation.Shape[1..].ToArray(),
                    LargestActivationBytes = 4L * batchSize * headLargest,
                    PeakActivationBytes = 4L * batchSize * headPeak,
                };
                x = activation;
            }

            return new NetworkAccountingReport
            {
                InputShape = inputShape.ToArray(),
                BatchSize = batchSize,
                StemParameters = stemParameters,
                TotalParameters = totalParameters,
                TotalMacs = totalMacs,
                Exits = result,
            };
        }
        finally
        {
            network.Train(wasTraining);
        }
    }

    private static Tensor RunStage(MultiExitNetwork network, int stage, Tensor x, IReadOnlyList<int> inputShape)
    {
        if (stage > 0)
        {
            return network.ForwardStage(stage, x);
        }

        try
        {
            return network.ForwardStage(0, x);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"inputShape [{string.Join(", ", inputShape)}] does not fit the network's first stage: {ex.Message}", nameof(inputShape), ex);
        }
    }

    private static Tensor Walk(Module<Tensor, Tensor> module, Tensor input, ref long largest, ref long peak)
    {
        if (module is Sequential sequential)
        {
            var x = input;
            for (int i = 0; i < sequential.Count; i++)
            {
                x = Walk(sequential[i], x, ref largest, ref peak);
            }

            return x;
        }

        var output = module.Forward(input);
        largest = Math.Max(largest, Math.Max(input.Numel, output.Numel));
        peak = Math.Max(peak, (long)input.Numel + output.Numel);
        return output;
    }

    private static long CountParameters(Module module) => module.Parameters().Sum(p => (long)p.Numel);

    private static long CountState(Module module) =>
        CountParameters(module) + module.NamedBuffers().Sum(b => (long)b.Value.Numel);

    private static T Child<T>(Module module, string name)
        where T : Module
    {
        foreach (var (childName, child) in module.NamedChildren())
        {
            if (childName == name && child is T typed)
            {
                return typed;
            }
        }

        throw new InvalidOperationException($"{module.GetType().Name} has no child '{name}' of type {typeof(T).Name}.");
    }
}
