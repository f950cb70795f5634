using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using TorchSharp;
using Adam = TorchSharp.Modules.Adam;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Training;

/// <summary>
/// Joint training of a <see cref="MultiExitNetwork"/> with the ClassyNet loss (eq. 9-10) and libtorch's Adam
/// (<c>torch.optim.Adam</c>). Works on tensors; the ML.NET-shaped trainers wrap it. Presets: BranchyNet =
/// <see cref="ExitClassSets.AllClasses"/> with all-ones costs; CN = BoC sets (IC); CN+C = BoC sets plus
/// <see cref="CostMatrices.Targeted"/>.
/// </summary>
/// <remarks>
/// Every step runs inside its own <c>torch.NewDisposeScope()</c>, so a step leaves no tensor behind. For a fixed
/// <see cref="MultiExitTrainerOptions.Seed"/> and libtorch thread count a run is deterministic: the shuffle of epoch e
/// and libtorch's generator (dropout) are seeded from the seed and e. A checkpoint (a zip: manifest, model and
/// optimiser state as safetensors, the generator state) is written atomically at the end of every epoch and when a run
/// is cancelled mid-epoch; resuming from it continues at the next batch, so a resumed run ends with the same weights
/// as an uninterrupted one.
/// </remarks>
public sealed class MultiExitTrainer
{
    private const string CheckpointFormat = "classynet-checkpoint";
    private const int CheckpointVersion = 2;
    private const string ManifestEntry = "manifest.json";
    private const string ModelEntry = "model.safetensors";
    private const string OptimizerEntry = "optimizer.safetensors";
    private const ulong ValidationStream = 0x5DEECE66DUL;
    private readonly MultiExitNetwork _network;
    private readonly MultiExitTrainerOptions _options;
    private readonly ExitClassSets _sets;
    private readonly MultiExitLoss _loss;
    private readonly MultiExitLoss _evaluationLoss;
    private readonly float[]? _thresholds;
    private readonly Device _device;

    /// <summary>Creates a trainer for <paramref name="network"/>; checks the options against the network and moves the network to the device.</summary>
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

        if (!(options.LearningRate > 0 && double.IsFinite(options.LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LearningRate, $"{nameof(options.LearningRate)} is {options.LearningRate}; expected a finite value > 0.");
        }

        if (!(options.WeightDecay >= 0 && double.IsFinite(options.WeightDecay)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WeightDecay, $"{nameof(options.WeightDecay)} is {options.WeightDecay}; expected a finite value >= 0.");
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

        _evaluationLoss = new MultiExitLoss(_sets, weights, options.CostMatrices, _thresholds);
        _device = TrainingDevice.Parse(options.Device, nameof(options) + "." + nameof(options.Device));
        _network.to(_device);
        Optimizer = optim.Adam(network.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
    }

    /// <summary>The optimiser, libtorch's Adam (exposed for schedulers).</summary>
    public Adam Optimizer { get; }

    /// <summary>Optimiser steps taken so far (restored from a checkpoint).</summary>
    public long StepCount { get; private set; }

    /// <summary>The class sets in use.</summary>
    public ExitClassSets ExitClasses => _sets;

    /// <summary>The loss in use.</summary>
    public MultiExitLoss Loss => _loss;

    /// <summary>The device the network trains on.</summary>
    public Device Device => _device;

    /// <summary>Trains on <paramref name="data"/> for the configured epochs (resuming from the checkpoint when configured).</summary>
    public TrainingResult Fit(TensorDataset data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.CheckLabels(_sets.ClassCount, nameof(data));
        CheckSampleShape(data.SampleShape, nameof(data));
        var (train, validation) = SplitValidation(data, _options.ValidationFraction, _options.Seed);
        if (train.Count == 0)
        {
            throw new ArgumentException($"No training samples left after holding out {_options.ValidationFraction:P0} for validation ({data.Count} samples).", nameof(data));
        }

        return FitCore(new DatasetBatchSource(train, validation, _options.Shuffle, _options.Seed), progress, cancellationToken);
    }

    /// <summary>
    /// Trains on the batches of <paramref name="source"/> for the configured epochs (resuming from the checkpoint when
    /// configured). The source decides the order of each epoch and what is held out for validation
    /// (<see cref="MultiExitTrainerOptions.Shuffle"/>, <see cref="MultiExitTrainerOptions.ValidationFraction"/> and
    /// <see cref="MultiExitTrainerOptions.Seed"/> are for the source to honour; to resume mid-epoch it must give the
    /// same batches for the same epoch). Labels are checked batch by batch.
    /// </summary>
    public TrainingResult Fit(ITrainingBatchSource source, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckSampleShape(source.SampleShape.ToArray(), nameof(source));
        return FitCore(source, progress, cancellationToken);
    }

    private TrainingResult FitCore(ITrainingBatchSource source, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var position = new TrainingPosition(0, 0);
        if (_options.CheckpointPath is { } path && _options.ResumeFromCheckpoint && File.Exists(path))
        {
            position = RestoreCheckpoint(path);
        }

        int startEpoch = position.CompletedEpochs + 1;
        var history = new List<EpochMetrics>();
        long[] shape = [0, .. source.SampleShape.Select(d => (long)d)];
        int sampleSize = source.SampleShape.Aggregate(1, (a, d) => a * d);
        for (int epoch = startEpoch; epoch <= _options.Epochs; epoch++)
        {
            _network.train();
            int skip = epoch == startEpoch ? position.BatchesDone : 0;
            if (skip == 0)
            {
                random.manual_seed(EpochSeed(_options.Seed, epoch, 0x2545F4914F6CDD1DUL));
            }

            var watch = Stopwatch.StartNew();
            var sums = new ExitSums(_sets.ExitCount);
            double lossSum = 0;
            int steps = 0, seen = 0, batchIndex = 0, skipped = 0;
            int epochSize = (int)Math.Min(source.TrainingCount ?? 0, int.MaxValue);
            float lastLoss = 0;
            foreach (var batch in source.GetTrainingBatches(epoch, _options.BatchSize))
            {
                if (batchIndex < skip)
                {
                    batchIndex++;
                    skipped += batch.Count;
                    continue;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    SaveCheckpointIfConfigured(new TrainingPosition(epoch - 1, batchIndex));
                    return new TrainingResult(history, startEpoch, Cancelled: true);
                }

                int count = batch.Count;
                if (count == 0)
                {
                    continue;
                }

                CheckBatch(batch, sampleSize);
                shape[0] = count;
                float loss;
                using (NewDisposeScope())
                {
                    var x = HostTensors.Floats(batch.Features.AsSpan(0, count * sampleSize), shape, _device);
                    var y = HostTensors.Labels(batch.Labels.AsSpan(0, count), _device);
                    Optimizer.zero_grad();
                    var result = _loss.ComputeChecked(_network.forward(x), y, StepCount);
                    result.Total.backward();
                    Optimizer.step();
                    loss = WeightedLoss(result);
                    sums.Add(result, count);
                }

                StepCount++;
                batchIndex++;
                lossSum += loss;
                lastLoss = loss;
                steps++;
                seen += count;
                progress?.Report(new TrainingProgress(epoch, _options.Epochs, StepCount, skipped + seen, Math.Max(epochSize, skipped + seen), loss, seen / Math.Max(watch.Elapsed.TotalSeconds, 1e-9))
                {
                    EpochMeanLoss = lossSum / steps,
                    BatchInEpoch = batchIndex,
                });
            }

            if (seen == 0 && skip == 0)
            {
                throw new ArgumentException("The training data holds no samples (after removing missing labels and the validation share).", nameof(source));
            }

            double throughput = seen / Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
            var validationMetrics = EvaluateBatches(source.GetValidationBatches(256), source.SampleShape);
            var metrics = new EpochMetrics(epoch, lossSum / Math.Max(steps, 1), sums.ToMetrics(), validationMetrics, throughput);
            history.Add(metrics);
            SaveCheckpointIfConfigured(new TrainingPosition(epoch, 0));
            progress?.Report(new TrainingProgress(epoch, _options.Epochs, StepCount, skipped + seen, Math.Max(epochSize, skipped + seen), lastLoss, throughput)
            {
                EpochMeanLoss = metrics.Loss,
                BatchInEpoch = batchIndex,
                CompletedEpoch = metrics,
            });
        }

        _network.eval();
        return new TrainingResult(history, startEpoch, Cancelled: false);
    }

    /// <summary>
    /// Per-exit loss, accuracy on exit labels and exit rate (Algorithm 1 with the configured thresholds and BoC rule)
    /// of <paramref name="data"/> in evaluation mode.
    /// </summary>
    public IReadOnlyList<ExitEpochMetrics> Evaluate(TensorDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        data.CheckLabels(_sets.ClassCount, nameof(data));
        CheckSampleShape(data.SampleShape, nameof(data));
        return EvaluateBatches(new DatasetBatchSource(data, null, shuffle: false, 0).GetTrainingBatches(1, batchSize), data.SampleShape) ?? new ExitSums(_sets.ExitCount).ToMetrics();
    }

    /// <summary>
    /// Writes model and optimiser state after <paramref name="completedEpochs"/> whole epochs to <paramref name="path"/>
    /// (atomically: an existing file is replaced only by a complete new one).
    /// </summary>
    public void SaveCheckpoint(string path, int completedEpochs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(completedEpochs);
        SaveCheckpoint(path, new TrainingPosition(completedEpochs, 0));
    }

    /// <summary>
    /// Restores model and optimiser state from <paramref name="path"/> and returns the number of completed epochs.
    /// Everything is checked first: a checkpoint that fails to load (not a checkpoint, another version, another network
    /// or optimiser) is an <see cref="InvalidDataException"/> and leaves the model and optimiser untouched.
    /// </summary>
    public int LoadCheckpoint(string path) => RestoreCheckpoint(path).CompletedEpochs;

    /// <summary>
    /// The training/validation split <c>Fit</c> makes for <see cref="MultiExitTrainerOptions.ValidationFraction"/>
    /// <paramref name="fraction"/> and <see cref="MultiExitTrainerOptions.Seed"/> <paramref name="seed"/>: a seeded
    /// permutation, the first round(count * fraction) samples held out. Use it to recover the held-out set later (for
    /// threshold calibration). Validation is null when nothing is held out.
    /// </summary>
    public static (TensorDataset Train, TensorDataset? Validation) SplitValidation(TensorDataset data, float fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (order, held) = ValidationOrder(data.Count, fraction, seed);
        return held == 0 ? (data, null) : (data.Subset(order.AsSpan(held)), data.Subset(order.AsSpan(0, held)));
    }

    /// <summary>
    /// The indices, in held-out order, of the samples <see cref="SplitValidation"/> holds out of <paramref name="count"/>
    /// samples (empty when nothing is held out): read just those from a streamed data set to recover the validation part.
    /// </summary>
    public static int[] ValidationIndices(int count, float fraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var (order, held) = ValidationOrder(count, fraction, seed);
        return order[..held];
    }

    /// <summary>The seeded permutation behind the validation split (empty when nothing is held out) and how many of its first entries are held out.</summary>
    private static (int[] Order, int Held) ValidationOrder(int count, float fraction, int seed)
    {
        if (!(fraction >= 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "fraction must be in [0, 1).");
        }

        int held = (int)Math.Round(count * fraction);
        return held == 0 ? ([], 0) : (Permutation(count, EpochSeed(seed, 0, ValidationStream)), held);
    }

    /// <summary>A seeded permutation of [0, n) drawn by libtorch (<c>torch.randperm</c>).</summary>
    internal static int[] Permutation(int n, long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var perm = randperm(n, generator: generator);
        return HostTensors.ToInts(perm);
    }

    /// <summary>A 63-bit seed derived from the user's seed, an epoch and a stream constant.</summary>
    internal static long EpochSeed(int seed, int epoch, ulong stream) =>
        (long)((unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) + ((ulong)epoch * 0xBF58476D1CE4E5B9UL)) ^ stream) >> 1);

    /// <summary>Eq. 10 from the exit losses the loss already copied to the host (no second synchronisation).</summary>
    private float WeightedLoss(MultiExitLossResult result)
    {
        float total = 0;
        for (int m = 0; m < result.ExitLosses.Length; m++)
        {
            total += result.ExitLosses[m] * _loss.ExitWeights[m];
        }

        return total;
    }

    /// <summary>Per-exit metrics over <paramref name="batches"/> in evaluation mode; null when there are none.</summary>
    private IReadOnlyList<ExitEpochMetrics>? EvaluateBatches(IEnumerable<TrainingBatch> batches, IReadOnlyList<int> sampleShape)
    {
        bool wasTraining = _network.training;
        _network.eval();
        var sums = new ExitSums(_sets.ExitCount);
        long[] shape = [0, .. sampleShape.Select(d => (long)d)];
        int sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        long total = 0;
        try
        {
            using var inference = inference_mode();
            foreach (var batch in batches)
            {
                if (batch.Count == 0)
                {
                    continue;
                }

                CheckBatch(batch, sampleSize);
                using var scope = NewDisposeScope();
                shape[0] = batch.Count;
                var x = HostTensors.Floats(batch.Features.AsSpan(0, batch.Count * sampleSize), shape, _device);
                var y = HostTensors.Labels(batch.Labels.AsSpan(0, batch.Count), _device);
                sums.Add(_evaluationLoss.ComputeChecked(_network.forward(x), y), batch.Count);
                total += batch.Count;
            }
        }
        finally
        {
            _network.train(wasTraining);
        }

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

    /// <summary>Checks from the layers' shapes that samples of <paramref name="sampleShape"/> fit the network, so a wrong shape is reported against the data.</summary>
    private void CheckSampleShape(IReadOnlyList<int> sampleShape, string argument)
    {
        try
        {
            NetworkAccounting.Measure(_network, sampleShape);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Samples of shape [{string.Join(", ", sampleShape)}] do not fit this network: {e.Message}", argument, e);
        }
    }

    private void SaveCheckpointIfConfigured(TrainingPosition position)
    {
        if (_options.CheckpointPath is { } path)
        {
            SaveCheckpoint(path, position);
        }
    }

    private void SaveCheckpoint(string path, TrainingPosition position)
    {
        var states = AdamStates();
        var optimizer = new Dictionary<string, Tensor>();
        using var scope = NewDisposeScope();
        for (int i = 0; i < states.Count; i++)
        {
            optimizer[$"state.{i}.step"] = tensor(states[i].step);
            optimizer[$"state.{i}.exp_avg"] = states[i].exp_avg.cpu();
            optimizer[$"state.{i}.exp_avg_sq"] = states[i].exp_avg_sq.cpu();
        }

        optimizer["rng_state"] = random.get_rng_state();
        var model = _network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.cpu());
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new CheckpointManifest
        {
            Format = CheckpointFormat,
            Version = CheckpointVersion,
            CompletedEpochs = position.CompletedEpochs,
            BatchesDone = position.BatchesDone,
            Steps = StepCount,
            Optimizer = "adam",
        });
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Entry(zip, ManifestEntry, s => s.Write(manifest));
            Entry(zip, ModelEntry, s => StateDicts.Write(s, model));
            Entry(zip, OptimizerEntry, s => StateDicts.Write(s, optimizer));
        });
    }

    private TrainingPosition RestoreCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        }

        using var scope = NewDisposeScope();
        CheckpointManifest manifest;
        Dictionary<string, Tensor> model, optimizer;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(ReadEntry(zip, ManifestEntry, path)) ?? throw new InvalidDataException($"'{path}': {ManifestEntry} is empty.");
            if (manifest.Format != CheckpointFormat)
            {
                throw new InvalidDataException($"'{path}' is not a ClassyNet checkpoint ({ManifestEntry} format '{manifest.Format ?? "<none>"}', expected '{CheckpointFormat}').");
            }

            if (manifest.Version != CheckpointVersion)
            {
                throw new InvalidDataException($"'{path}' has checkpoint version {manifest.Version}; this library reads version {CheckpointVersion}.");
            }

            if (manifest.CompletedEpochs < 0 || manifest.BatchesDone < 0 || manifest.Steps < 0)
            {
                throw new InvalidDataException($"'{path}' has a negative epoch, batch or step count in its manifest.");
            }

            using (var s = new MemoryStream(ReadEntry(zip, ModelEntry, path)))
            {
                model = StateDicts.Read(s, $"{path}!{ModelEntry}");
            }

            using (var s = new MemoryStream(ReadEntry(zip, OptimizerEntry, path)))
            {
                optimizer = StateDicts.Read(s, $"{path}!{OptimizerEntry}");
            }
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
        {
            throw e as InvalidDataException ?? new InvalidDataException($"'{path}' is not a readable ClassyNet checkpoint: {e.Message}", e);
        }

        // Check the optimiser state against the parameters before anything changes.
        var states = AdamStates();
        var parameters = Optimizer.parameters().ToArray();
        int saved = optimizer.Keys.Count(k => k.EndsWith(".exp_avg", StringComparison.Ordinal));
        if (saved != states.Count || !optimizer.ContainsKey("rng_state"))
        {
            throw new InvalidDataException($"Checkpoint '{path}' does not fit this network and optimiser: it holds Adam state for {saved} parameters, the optimiser has {states.Count}.");
        }

        for (int i = 0; i < states.Count; i++)
        {
            foreach (var name in new[] { "exp_avg", "exp_avg_sq" })
            {
                if (!optimizer.TryGetValue($"state.{i}.{name}", out var value) || !value.shape.SequenceEqual(parameters[i].shape))
                {
                    throw new InvalidDataException($"Checkpoint '{path}' does not fit this network and optimiser: size mismatch for Adam state.{i}.{name} (parameter shape [{string.Join(", ", parameters[i].shape)}]).");
                }
            }
        }

        try
        {
            _network.load_state_dict(model);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' does not fit this network and optimiser: {e.Message}", e);
        }

        using (no_grad())
        {
            for (int i = 0; i < states.Count; i++)
            {
                states[i].step = optimizer[$"state.{i}.step"].item<long>();
                states[i].exp_avg.copy_(optimizer[$"state.{i}.exp_avg"]);
                states[i].exp_avg_sq.copy_(optimizer[$"state.{i}.exp_avg_sq"]);
            }
        }

        random.set_rng_state(optimizer["rng_state"]);
        StepCount = manifest.Steps;
        return new TrainingPosition(manifest.CompletedEpochs, manifest.BatchesDone);
    }

    private List<Adam.State> AdamStates() => Optimizer.state_dict().State.Cast<Adam.State>().ToList();

    private static void Entry(ZipArchive zip, string name, Action<Stream> write)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        using var stream = entry.Open();
        write(stream);
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"'{path}' has no '{name}' entry; a checkpoint holds {ManifestEntry}, {ModelEntry} and {OptimizerEntry}.");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void CheckPositive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 1.");
        }
    }

    /// <summary>Where a run stands: whole epochs done, and batches done of the next one.</summary>
    private readonly record struct TrainingPosition(int CompletedEpochs, int BatchesDone);

    /// <summary>The manifest.json of a checkpoint.</summary>
    private sealed class CheckpointManifest
    {
        public string? Format { get; set; }

        public int Version { get; set; }

        public int CompletedEpochs { get; set; }

        public int BatchesDone { get; set; }

        public long Steps { get; set; }

        public string? Optimizer { get; set; }
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
