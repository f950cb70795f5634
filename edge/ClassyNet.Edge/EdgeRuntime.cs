using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using Microsoft.ML.OnnxRuntime;

namespace ClassyNet.Edge;

/// <summary>
/// Runs an edge package's ONNX graph on ONNX Runtime and applies Algorithm 1 at each edge exit with the library's own
/// exit rule (<see cref="ExitDecision"/>): a sample leaves at the first edge exit whose score passes its threshold and
/// whose argmax is not the bag (the model's final exit, when on the edge, always answers). The graph computes every
/// edge exit for the whole batch; the samples that leave none are returned as pending, with their activations.
/// Thread-safe: ONNX Runtime sessions accept concurrent runs. ONNX Runtime's usage telemetry is off in this process
/// unless <c>ORT_DISABLE_TELEMETRY</c> is set (see <see cref="OnnxRuntimeTelemetry"/>).
/// </summary>
public sealed class EdgeRuntime : IDisposable
{
    private readonly InferenceSession _session;

    static EdgeRuntime() => OnnxRuntimeTelemetry.DisableUnlessChosen();
    private readonly string[] _outputNames;
    private readonly int[][] _outputClasses;

    /// <summary>Creates a session for <paramref name="package"/>.</summary>
    public EdgeRuntime(EdgePackage package, EdgeRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        options ??= new EdgeRuntimeOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads, nameof(options));
        Package = package;
        var manifest = package.Manifest;
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableCpuMemArena = options.CpuMemoryArena,
        };
        _session = new InferenceSession(package.Onnx.ToArray(), sessionOptions);
        _outputNames = manifest.Exits.SelectMany(e => new[] { e.ProbabilitiesOutput, e.EntropyOutput })
            .Concat(manifest.ActivationOutput is null ? [] : [manifest.ActivationOutput]).ToArray();
        var missing = _outputNames.Append(manifest.InputName).Except(_session.OutputNames.Concat(_session.InputNames)).ToArray();
        if (missing.Length > 0)
        {
            _session.Dispose();
            throw new InvalidDataException($"Edge package '{package.Directory}': the ONNX graph has no value(s) {string.Join(", ", missing)} that the manifest names.");
        }

        _outputClasses = manifest.Exits.Select(e => e.OutputClasses.ToArray()).ToArray();
    }

    /// <summary>The package this runtime runs.</summary>
    public EdgePackage Package { get; }

    /// <summary>
    /// Runs the edge part on <paramref name="count"/> raw samples stored row-major in <paramref name="inputs"/> (the
    /// graph applies the model's normalisation) and decides each sample at the edge exits.
    /// </summary>
    public EdgeRunResult Run(ReadOnlyMemory<float> inputs, int count)
    {
        var manifest = Package.Manifest;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (inputs.Length != (long)count * manifest.InputSize)
        {
            throw new ArgumentException($"inputs has {inputs.Length} values but {count} samples of shape [{string.Join(", ", manifest.InputShape)}] need {(long)count * manifest.InputSize}.", nameof(inputs));
        }

        long[] shape = [count, .. manifest.InputShape.Select(d => (long)d)];
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, System.Runtime.InteropServices.MemoryMarshal.AsMemory(inputs), shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, [manifest.InputName], [input], _outputNames);
        var answers = new EdgeAnswer?[count];
        int exits = manifest.Exits.Count, classes = manifest.ClassCount;
        for (int m = 0; m < exits; m++)
        {
            var probabilities = outputs[2 * m].GetTensorDataAsSpan<float>();
            var entropy = outputs[(2 * m) + 1].GetTensorDataAsSpan<float>();
            var outputClasses = _outputClasses[m];
            int width = outputClasses.Length, bag = manifest.Exits[m].BagIndex;
            bool final = manifest.Exits[m].Index == manifest.ExitCount - 1;
            for (int i = 0; i < count; i++)
            {
                if (answers[i] is not null)
                {
                    continue;
                }

                var p = probabilities.Slice(i * width, width);
                int argmax = ExitDecision.ArgMax(p);
                float score = ExitDecision.Score(manifest.Policy, entropy[i], p);
                if (final || ExitDecision.Leaves(manifest.Policy, score, manifest.Thresholds[m], argmax == bag))
                {
                    var byClass = new float[classes];
                    ExitDecision.MapToClasses(outputClasses, p, byClass);
                    answers[i] = EdgeAnswer.Answered(EdgeAnswerSource.Edge, outputClasses[argmax], m, score, byClass);
                }
            }
        }

        var pending = Enumerable.Range(0, count).Where(i => answers[i] is null).ToArray();
        var activations = Array.Empty<float>();
        if (pending.Length > 0)
        {
            var all = outputs[^1].GetTensorDataAsSpan<float>();
            int size = manifest.ActivationSize;
            activations = new float[pending.Length * size];
            for (int r = 0; r < pending.Length; r++)
            {
                all.Slice(pending[r] * size, size).CopyTo(activations.AsSpan(r * size, size));
            }
        }

        return new EdgeRunResult(answers, pending, activations);
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
