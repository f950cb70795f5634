using System.Diagnostics;
using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Optim;
using ClassyNet.MLNet.Tensors.Serialization;

namespace ClassyNet.MLNet.Training;

/// <summary>
/// Joint training of a <see cref="MultiExitNetwork"/> with the ClassyNet loss (eq. 9-10) and Adam. Works on raw
/// tensors; the ML.NET-shaped trainers wrap it. Presets: BranchyNet = <see cref="ExitClassSets.AllClasses"/> with all-ones
/// costs; CN = BoC sets (IC); CN+C = BoC sets plus <see cref="CostMatrices.Targeted"/>.
/// </summary>
public sealed class MultiExitTrainer
{
    private const string CheckpointFormat = "classynet-checkpoint";
    private readonly MultiExitNetwork _network;
    private readonly MultiExitTrainerOptions _options;
    private readonly ExitClassSets _sets;
    private readonly MultiExitLoss _loss;
    private readonly float[]? _thresholds;

    /// <summary>Creates a trainer for <paramref name="network"/>; checks the options against the network.</summary>
    public MultiExitTrainer(MultiExitNetwork network, MultiExitTrainerOptions options)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        CheckPositive(options.Epochs, nameof(options.Epochs));
        CheckPositive(options.BatchSize, nameof(options.BatchSize));
        if (!(options.ValidationFraction >= 0 && options.ValidationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidationFraction, $"{nameof(options.ValidationFraction)} must be in [0, 1).");
        }

        int classes = network.Exits[^1].Outputs;
        _sets = options.ExitClasses ?? ExitClassSets.AllClasses(network.ExitCount, classes);
        if (_sets.ExitCount != network.ExitCount)
        {
            throw new ArgumentException($"{nameof(options.ExitClasses)} defines {_sets.ExitCount} exits but the network has {network.ExitCount}.", nameof(options));
        }

        for (int m = 0; m < network.ExitCount; m++)
        {
            if (network.Exits[m].Outputs != _sets.OutputCount(m))
            {
                throw new ArgumentException($"Exit {m} of the network has {network.Exits[m].Outputs} outputs but {nameof(options.ExitClasses)} needs {_sets.OutputCount(m)} ({(_sets.HasBag(m) ? "|S_m| + 1 with the bag" : "K")}). Build the network with exitOutputs: sets.OutputCounts().", nameof(options));
            }
        }

        var weights = options.ExitLossWeights ?? Enumerable.Repeat(1f / network.ExitCount, network.ExitCount).ToArray();
        if (options.ExitThresholds is not null)
        {
            _thresholds = options.ExitThresholds.ToArray();
        }

        if (options.InstanceMasking && _thresholds is null)
        {
            throw new ArgumentException($"{nameof(options.InstanceMasking)} needs {nameof(options.ExitThresholds)}.", nameof(options));
        }

        _loss = new MultiExitLoss(_sets, weights, options.CostMatrices, _thresholds, options.InstanceMasking)
        {
            ThrowOnNonFinite = options.ThrowOnNonFiniteLoss,
        };

        Optimizer = new Adam(network.Parameters(), options.LearningRate, weightDecay: options.WeightDecay);
    }

    /// <summary>The optimiser (exposed for schedulers and checkpoints).</summary>
    public Adam Optimizer { get; }

    /// <summary>The class sets in use.</summary>
    public ExitClassSets ExitClasses => _sets;

    /// <summary>The loss in use.</summary>
    public MultiExitLoss Loss => _loss;

    /// <summary>Trains on <paramref name="data"/> for the configured epochs (resuming from the checkpoint when configured).</summary>
    public TrainingResult Fit(TensorDataset data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.CheckLabels(_sets.ClassCount, nameof(data));
        CheckSampleShape(data);
        var (train, validation) = Split(data);
        if (train.Count == 0)
        {
            throw new ArgumentException($"No training samples left after holding out {_options.ValidationFraction:P0} for validation ({data.Count} samples).", nameof(data));
        }

        return FitCore(new DatasetSource(train, validation, _options), progress, cancellationToken);
    }

    /// <summary>
    /// Trains on the batches of <paramref name="source"/> for the configured epochs (resuming from the checkpoint when
    /// configured). The source decides the order of each epoch and what is held out for validation
    /// (<see cref="MultiExitTrainerOptions.Shuffle"/>, <see cref="MultiExitTrainerOptions.ValidationFraction"/> and
    /// <see cref="MultiExitTrainerOptions.Seed"/> are for the source to honour). Labels are checked batch by batch.
    /// </summary>
    public TrainingResult Fit(ITrainingBatchSource source, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return FitCore(source, progress, cancellationToken);
    }

    private TrainingResult FitCore(ITrainingBatchSource source, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        int startEpoch = 1;
        if (_options.CheckpointPath is { } path && _options.ResumeFromCheckpoint && File.Exists(path))
        {
            startEpoch = LoadCheckpoint(path) + 1;
        }

        var history = new List<EpochMetrics>();
        int[] shape = [0, .. source.SampleShape];
        int sampleSize = source.SampleShape.Aggregate(1, (a, d) => a * d);
        bool shapeChecked = false;
        for (int epoch = startEpoch; epoch <= _options.Epochs; epoch++)
        {
            _network.Train();
            var watch = Stopwatch.StartNew();
            var sums = new ExitSums(_sets.ExitCount);
            double lossSum = 0;
            int steps = 0, seen = 0;
            int epochSize = (int)Math.Min(source.TrainingCount ?? 0, int.MaxValue);
            foreach (var batch in source.GetTrainingBatches(epoch, _options.BatchSize))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    SaveCheckpointIfConfigured(epoch - 1);
                    return new TrainingResult(history, startEpoch, Cancelled: true);
                }

                int count = batch.Count;
                if (count == 0)
                {
                    continue;
                }

                CheckBatch(batch, sampleSize);
                if (!shapeChecked)
                {
                    CheckSampleShape(batch, source.SampleShape);
                    shapeChecked = true;
                }

                using (TensorScope.Begin())
                {
                    shape[0] = count;
                    var x = Tensor.FromArray(batch.Features.AsSpan(0, count * sampleSize), shape);
                    var y = batch.Labels.Length == count ? batch.Labels : batch.Labels[..count];
                    Optimizer.ZeroGrad();
                    var result = _loss.Compute(_network.Forward(x), y, Optimizer.StepCount);
                    result.Total.Backward();
                    Optimizer.Step();
                    float loss = result.Total.Item();
                    lossSum += loss;
                    sums.Add(result, count);
                    steps++;
                    seen += count;
                    progress?.Report(new TrainingProgress(epoch, _options.Epochs, Optimizer.StepCount, seen, Math.Max(epochSize, seen), loss, seen / Math.Max(watch.Elapsed.TotalSeconds, 1e-9)));
                }
            }

            if (seen == 0)
            {
                throw new ArgumentException("The training data holds no samples (after removing missing labels and the validation share).", nameof(source));
            }

            double throughput = seen / Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
            var trainMetrics = sums.ToMetrics();
            var validationMetrics = EvaluateBatches(source.GetValidationBatches(256), source.SampleShape);
            history.Add(new EpochMetrics(epoch, lossSum / Math.Max(steps, 1), trainMetrics, validationMetrics, throughput));
            SaveCheckpointIfConfigured(epoch);
        }

        _network.Eval();
        return new TrainingResult(history, startEpoch, Cancelled: false);
    }

    /// <summary>Per-exit metrics over <paramref name="batches"/> in evaluation mode; null when there are none.</summary>
    private IReadOnlyList<ExitEpochMetrics>? EvaluateBatches(IEnumerable<TrainingBatch> batches, IReadOnlyList<int> sampleShape)
    {
        bool wasTraining = _network.IsTraining;
        _network.Eval();
        var sums = new ExitSums(_sets.ExitCount);
        var evalLoss = new MultiExitLoss(_sets, _loss.ExitWeights, _loss.Costs, _thresholds);
        int[] shape = [0, .. sampleShape];
        int sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        long total = 0;
        using (GradMode.NoGrad())
        {
            foreach (var batch in batches)
            {
                if (batch.Count == 0)
                {
                    continue;
                }

                CheckBatch(batch, sampleSize);
                using var scope = TensorScope.Begin();
                shape[0] = batch.Count;
                var x = Tensor.FromArray(batch.Features.AsSpan(0, batch.Count * sampleSize), shape);
                sums.Add(evalLoss.Compute(_network.Forward(x), batch.Labels.Length == batch.Count ? batch.Labels : batch.Labels[..batch.Count]), batch.Count);
                total += batch.Count;
            }
        }

        _network.Train(wasTraining);
        return total == 0 ? null : sums.ToMetrics();
    }

    private void CheckBatch(TrainingBatch batch, int sampleSize)
    {
        if (batch.Features.Length < (long)batch.Count * sampleSize || batch.Labels.Length < batch.Count)
        {
            throw new ArgumentException($"A batch of {batch.Count} samples holds {batch.Features.Length} values and {batch.Labels.Length} labels; it needs {(long)batch.Count * sampleSize} values.", "source");
        }

        for (int i = 0; i < batch.Count; i++)
        {
            if ((uint)batch.Labels[i] >= (uint)_sets.ClassCount)
            {
                throw new ArgumentOutOfRangeException("source", batch.Labels[i], $"A batch holds label {batch.Labels[i]}, outside [0, {_sets.ClassCount}).");
            }
        }
    }

    /// <summary>
    /// Per-exit loss, accuracy on exit labels and exit rate (Algorithm 1 with the configured thresholds and BoC rule)
    /// of <paramref name="data"/> in evaluation mode.
    /// </summary>
    public IReadOnlyList<ExitEpochMetrics> Evaluate(TensorDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.CheckLabels(_sets.ClassCount, nameof(data));
        bool wasTraining = _network.IsTraining;
        _network.Eval();
        var sums = new ExitSums(_sets.ExitCount);
        var evalLoss = new MultiExitLoss(_sets, _loss.ExitWeights, _loss.Costs, _thresholds);
        var all = Enumerable.Range(0, data.Count).ToArray();
        using (GradMode.NoGrad())
        {
            for (int start = 0; start < data.Count; start += batchSize)
            {
                int count = Math.Min(batchSize, data.Count - start);
                using var scope = TensorScope.Begin();
                var (x, y) = Batch(data, all.AsSpan(start, count));
                sums.Add(evalLoss.Compute(_network.Forward(x), y), count);
            }
        }

        _network.Train(wasTraining);
        return sums.ToMetrics();
    }

    /// <summary>Writes model and optimiser state after <paramref name="completedEpochs"/> epochs to <paramref name="path"/> (atomically).</summary>
    public void SaveCheckpoint(string path, int completedEpochs)
    {
        var entries = new List<KeyValuePair<string, Tensor>>();
        entries.AddRange(_network.StateDict().Select(kv => new KeyValuePair<string, Tensor>("model." + kv.Key, kv.Value)));
        entries.AddRange(Optimizer.StateDict().Select(kv => new KeyValuePair<string, Tensor>("optim." + kv.Key, kv.Value)));
        SafeTensors.Save(entries, path, new Dictionary<string, string>
        {
            ["format"] = CheckpointFormat,
            ["version"] = "1",
            ["epoch"] = completedEpochs.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>
    /// Restores model and optimiser state from <paramref name="path"/> and returns the number of completed epochs.
    /// Everything is checked first: a checkpoint that fails to load leaves the model and optimiser untouched.
    /// </summary>
    public int LoadCheckpoint(string path)
    {
        var file = SafeTensors.Load(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != CheckpointFormat)
        {
            throw new InvalidDataException($"'{path}' is not a ClassyNet checkpoint (metadata format '{format ?? "<none>"}', expected '{CheckpointFormat}').");
        }

        if (!file.Metadata.TryGetValue("version", out var version) || version != "1")
        {
            throw new InvalidDataException($"'{path}' has checkpoint version '{version ?? "<none>"}'; this library reads version 1.");
        }

        if (!file.Metadata.TryGetValue("epoch", out var epochText) || !int.TryParse(epochText, CultureInfo.InvariantCulture, out int epoch) || epoch < 0)
        {
            throw new InvalidDataException($"'{path}' has no valid completed-epoch count in its metadata.");
        }

        var model = file.Tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["model.".Length..], kv => kv.Value);
        var optim = file.Tensors.Where(kv => kv.Key.StartsWith("optim.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["optim.".Length..], kv => kv.Value);
        var backup = _network.StateDict().ToDictionary(kv => kv.Key, kv => TensorScope.Untracked(() => kv.Value.Clone().Detach()));
        try
        {
            _network.LoadStateDict(model, strict: true);
            Optimizer.LoadStateDict(optim);
        }
        catch (ArgumentException e)
        {
            _network.LoadStateDict(backup, strict: true);
            throw new InvalidDataException($"Checkpoint '{path}' does not fit this network and optimiser: {e.Message}", e);
        }

        return epoch;
    }

    /// <summary>Runs one sample through the network so a wrong input shape is reported against <c>data</c>, not deep inside an op.</summary>
    private void CheckSampleShape(TensorDataset data)
    {
        if (data.Count == 0)
        {
            return;
        }

        bool wasTraining = _network.IsTraining;
        _network.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            using var scope = TensorScope.Begin();
            _network.Forward(Batch(data, [0]).X);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Samples of shape [{string.Join(", ", data.SampleShape)}] do not fit this network: {e.Message}", nameof(data), e);
        }
        finally
        {
            _network.Train(wasTraining);
        }
    }

    private void CheckSampleShape(TrainingBatch batch, IReadOnlyList<int> sampleShape)
    {
        int size = sampleShape.Aggregate(1, (a, d) => a * d);
        CheckSampleShape(new TensorDataset(batch.Features[..size], [batch.Labels[0]], [.. sampleShape]));
    }

    private void SaveCheckpointIfConfigured(int completedEpochs)
    {
        if (_options.CheckpointPath is { } path)
        {
            SaveCheckpoint(path, completedEpochs);
        }
    }

    private (TensorDataset Train, TensorDataset? Validation) Split(TensorDataset data) => SplitValidation(data, _options.ValidationFraction, _options.Seed);

    /// <summary>
    /// The training/validation split <c>Fit</c> makes for <see cref="MultiExitTrainerOptions.ValidationFraction"/>
    /// <paramref name="fraction"/> and <see cref="MultiExitTrainerOptions.Seed"/> <paramref name="seed"/>: a seeded
    /// shuffle, the first round(count * fraction) samples held out. Use it to recover the held-out set later (for
    /// threshold calibration). Validation is null when nothing is held out.
    /// </summary>
    public static (TensorDataset Train, TensorDataset? Validation) SplitValidation(TensorDataset data, float fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(fraction >= 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "fraction must be in [0, 1).");
        }

        int held = (int)Math.Round(data.Count * fraction);
        if (held == 0)
        {
            return (data, null);
        }

        var order = Enumerable.Range(0, data.Count).ToArray();
        new Generator(unchecked((ulong)seed ^ 0x5DEECE66DUL)).Shuffle(order.AsSpan());
        return (data.Subset(order.AsSpan(held)), data.Subset(order.AsSpan(0, held)));
    }

    private static (Tensor X, int[] Y) Batch(TensorDataset data, ReadOnlySpan<int> indices)
    {
        var shape = new int[data.SampleShape.Length + 1];
        shape[0] = indices.Length;
        data.SampleShape.CopyTo(shape, 1);
        var x = Tensor.Empty(shape);
        var dst = x.AsSpan();
        var y = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            data.Features.AsSpan(indices[i] * data.SampleSize, data.SampleSize).CopyTo(dst.Slice(i * data.SampleSize));
            y[i] = data.Labels[indices[i]];
        }

        return (x, y);
    }

    private static void CheckPositive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 1.");
        }
    }

    /// <summary>An in-memory dataset as a batch source: a seeded shuffle per epoch, as <see cref="Fit(TensorDataset, IProgress{TrainingProgress}, CancellationToken)"/> always did.</summary>
    private sealed class DatasetSource(TensorDataset train, TensorDataset? validation, MultiExitTrainerOptions options) : ITrainingBatchSource
    {
        private readonly int[] order = Enumerable.Range(0, train.Count).ToArray();

        public IReadOnlyList<int> SampleShape => train.SampleShape;

        public long? TrainingCount => train.Count;

        public IEnumerable<TrainingBatch> GetTrainingBatches(int epoch, int batchSize)
        {
            if (options.Shuffle)
            {
                Array.Sort(order);
                new Generator(unchecked((ulong)options.Seed * 0x9E3779B97F4A7C15UL + (ulong)epoch)).Shuffle(order.AsSpan());
            }

            return Batches(train, order, batchSize);
        }

        public IEnumerable<TrainingBatch> GetValidationBatches(int batchSize) =>
            validation is null ? [] : Batches(validation, Enumerable.Range(0, validation.Count).ToArray(), batchSize);

        private static IEnumerable<TrainingBatch> Batches(TensorDataset data, int[] indices, int batchSize)
        {
            // One pair of arrays per pass, refilled for every batch: the trainer is done with a batch before asking for the next.
            var features = new float[Math.Min(batchSize, indices.Length) * data.SampleSize];
            var labels = new int[Math.Min(batchSize, indices.Length)];
            for (int start = 0; start < indices.Length; start += batchSize)
            {
                int count = Math.Min(batchSize, indices.Length - start);
                for (int i = 0; i < count; i++)
                {
                    int index = indices[start + i];
                    data.Features.AsSpan(index * data.SampleSize, data.SampleSize).CopyTo(features.AsSpan(i * data.SampleSize));
                    labels[i] = data.Labels[index];
                }

                yield return new TrainingBatch(features, labels, count);
            }
        }
    }

    /// <summary>Running per-exit sums over batches.</summary>
    private sealed class ExitSums(int exits)
    {
        private readonly double[] _loss = new double[exits];
        private readonly long[] _correct = new long[exits];
        private readonly long[] _exited = new long[exits];
        private long _samples;

        public void Add(MultiExitLossResult result, int count)
        {
            _samples += count;
            long remaining = count;
            for (int m = 0; m < exits; m++)
            {
                _loss[m] += result.ExitLosses[m] * count;
                _correct[m] += result.ExitCorrect[m];
                long left = m == exits - 1 ? remaining : result.ExitWouldExit[m];
                _exited[m] += left;
                remaining -= left;
            }
        }

        public IReadOnlyList<ExitEpochMetrics> ToMetrics() => Enumerable.Range(0, exits)
            .Select(m => new ExitEpochMetrics(_loss[m] / Math.Max(_samples, 1), (double)_correct[m] / Math.Max(_samples, 1), (double)_exited[m] / Math.Max(_samples, 1)))
            .ToList();
    }
}
