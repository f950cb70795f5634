namespace ClassyNet.MLNet.Tensors.Optim;

/// <summary>
/// Base of the optimisers (PyTorch's <c>torch.optim.Optimizer</c>, one parameter group). Per-parameter state lives
/// in long-lived tensors created on the first step, so a steady-state step allocates nothing.
/// </summary>
public abstract class Optimizer
{
    private readonly Dictionary<string, Tensor>[] _state;

    /// <summary>Takes the parameters to update (typically <c>module.Parameters()</c>).</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0)
        {
            throw new ArgumentException("Optimizer got an empty parameter list.", nameof(parameters));
        }

        if (!(learningRate >= 0) || double.IsInfinity(learningRate))
        {
            // Named after the constructors' public argument (Adam/Sgd take "lr"), not the property.
            throw new ArgumentOutOfRangeException("lr", learningRate, "Learning rate must be a finite number >= 0.");
        }

        LearningRate = learningRate;
        _state = new Dictionary<string, Tensor>[Parameters.Count];
        for (int i = 0; i < _state.Length; i++)
        {
            _state[i] = [];
        }
    }

    /// <summary>The parameters this optimiser updates.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Learning rate; may be changed between steps (schedulers).</summary>
    public double LearningRate
    {
        get;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Learning rate must be a finite number >= 0.");
            }

            field = value;
        }
    }

    /// <summary>Number of steps taken.</summary>
    public long StepCount { get; private set; }

    /// <summary>Sets the gradients of all parameters to zero (in place).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters)
        {
            p.Grad?.Zero_();
        }
    }

    /// <summary>Applies one update from the current gradients; parameters without a gradient are skipped.</summary>
    public void Step()
    {
        StepCount++;
        using var noGrad = GradMode.NoGrad();
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is not null)
            {
                Update(i, p.AsSpan(), p.Grad.AsSpan());
            }
        }
    }

    /// <summary>
    /// Optimiser state by name (<c>step</c>, <c>state.{i}.{key}</c>) for checkpoints. The tensors are copies.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        return TensorScope.Untracked(() =>
        {
            var dict = new Dictionary<string, Tensor> { ["step"] = Tensor.Full([], StepCount) };
            for (int i = 0; i < _state.Length; i++)
            {
                foreach (var (key, t) in _state[i])
                {
                    dict[$"state.{i}.{key}"] = Tensor.FromArray(t.AsSpan(), t.Shape.ToArray());
                }
            }

            return dict;
        });
    }

    /// <summary>Restores state saved by <see cref="StateDict"/>; validated before anything changes.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (!stateDict.TryGetValue("step", out var step) || step.Numel != 1 || !(step.Item() >= 0))
        {
            throw new ArgumentException("Optimizer state dict has no valid 'step' entry.", nameof(stateDict));
        }

        var parsed = new List<(int Index, string Key, Tensor Value)>();
        foreach (var (name, value) in stateDict)
        {
            if (name == "step")
            {
                continue;
            }

            var parts = name.Split('.', 3);
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out int index) || index < 0 || index >= Parameters.Count)
            {
                throw new ArgumentException($"Optimizer state dict entry '{name}' does not name one of the {Parameters.Count} parameters (expected state.<index>.<key>).", nameof(stateDict));
            }

            if (!ShapeMath.SameShape(value.Shape, Parameters[index].Shape) && value.Numel != 1)
            {
                throw new ArgumentException($"Optimizer state '{name}' has shape {value.ShapeString}, parameter {index} has shape {Parameters[index].ShapeString}.", nameof(stateDict));
            }

            parsed.Add((index, parts[2], value));
        }

        StepCount = (long)step.Item();
        foreach (var s in _state)
        {
            s.Clear();
        }

        foreach (var (index, key, value) in parsed)
        {
            _state[index][key] = TensorScope.Untracked(() => Tensor.FromArray(value.AsSpan(), value.Shape.ToArray()));
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> in place from its gradient.</summary>
    protected abstract void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient);

    /// <summary>The state tensor <paramref name="key"/> of parameter <paramref name="index"/>, created as zeros on first use.</summary>
    protected Tensor State(int index, string key, out bool created)
    {
        created = !_state[index].TryGetValue(key, out var t);
        if (created)
        {
            var shape = Parameters[index].Shape.ToArray();
            t = TensorScope.Untracked(() => Tensor.Zeros(shape));
            _state[index][key] = t;
        }

        return t!;
    }

    /// <summary>
    /// The one-element state <paramref name="key"/> of parameter <paramref name="index"/> (such as a per-parameter step
    /// count), created with <paramref name="initial"/> on first use.
    /// </summary>
    protected Tensor ScalarState(int index, string key, float initial)
    {
        if (!_state[index].TryGetValue(key, out var t))
        {
            t = TensorScope.Untracked(() => Tensor.Full([], initial));
            _state[index][key] = t;
        }

        return t;
    }

    /// <summary>Throws when <paramref name="value"/> is not finite and non-negative.</summary>
    protected static double CheckNonNegative(double value, string argument)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(argument, value, $"{argument} must be a finite number >= 0.");
        }

        return value;
    }
}
