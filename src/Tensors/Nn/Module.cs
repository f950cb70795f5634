namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>
/// Base of every network building block (PyTorch's <c>nn.Module</c>): registered parameters, buffers and child
/// modules in registration order, train/eval mode, and state dicts with dotted names such as
/// <c>stages.0.1.conv1.weight</c> or <c>bn.running_mean</c>.
/// </summary>
public abstract class Module
{
    private readonly List<KeyValuePair<string, Tensor>> _parameters = [];
    private readonly List<KeyValuePair<string, Tensor>> _buffers = [];
    private readonly List<KeyValuePair<string, Module>> _children = [];

    /// <summary>True in training mode (the default); see <see cref="Train"/> and <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var child in _children)
        {
            child.Value.Train(training);
        }

        return this;
    }

    /// <summary>Sets evaluation mode (batch norm uses running statistics, dropout is off).</summary>
    public Module Eval() => Train(false);

    /// <summary>Parameters of this module and, when <paramref name="recurse"/>, of its descendants.</summary>
    public IEnumerable<Tensor> Parameters(bool recurse = true) => NamedParameters(recurse).Select(p => p.Value);

    /// <summary>Parameters with their dotted names, in registration order.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters(bool recurse = true) => Named(m => m._parameters, recurse);

    /// <summary>Buffers (non-trainable state such as running statistics) with their dotted names.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers(bool recurse = true) => Named(m => m._buffers, recurse);

    /// <summary>Direct children with their names.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedChildren() => _children;

    /// <summary>This module (with an empty name) and every descendant with its dotted name.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedModules()
    {
        yield return new(string.Empty, this);
        foreach (var (name, child) in _children)
        {
            foreach (var (sub, module) in child.NamedModules())
            {
                yield return new(sub.Length == 0 ? name : $"{name}.{sub}", module);
            }
        }
    }

    /// <summary>Sets every parameter's gradient to zero (in place; gradients that were never created stay null).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters())
        {
            p.Grad?.Zero_();
        }
    }

    /// <summary>Parameters then buffers of every module, by dotted name, in PyTorch's order. The tensors are the live ones.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>();
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, t) in module._parameters.Concat(module._buffers))
            {
                dict[prefix.Length == 0 ? name : $"{prefix}.{name}"] = t;
            }
        }

        return dict;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into this module's parameters and buffers. Every entry is checked
    /// before anything is copied, so a failed load leaves the module untouched. With <paramref name="strict"/>, missing
    /// or unexpected keys are an error; shape mismatches always are.
    /// </summary>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var problems = new List<string>();
        foreach (var (key, target) in own)
        {
            if (stateDict.TryGetValue(key, out var source) && !ShapeMath.SameShape(source.Shape, target.Shape) && !(source.Numel == 1 && target.Numel == 1))
            {
                problems.Add($"size mismatch for {key}: copying a param with shape {source.ShapeString}, the shape in the current model is {target.ShapeString}");
            }
        }

        if (strict)
        {
            if (missing.Count > 0)
            {
                problems.Add("missing key(s): " + string.Join(", ", missing));
            }

            if (unexpected.Count > 0)
            {
                problems.Add("unexpected key(s): " + string.Join(", ", unexpected));
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Error(s) in loading state dict for {GetType().Name}: " + string.Join("; ", problems) + ".", nameof(stateDict));
        }

        foreach (var (key, target) in own)
        {
            if (stateDict.TryGetValue(key, out var source))
            {
                source.AsSpan().CopyTo(target.AsSpan());
            }
        }

        return new LoadStateDictResult(missing, unexpected);
    }

    /// <summary>Registers a trainable parameter under <paramref name="name"/>; it becomes long-lived and requires grad.</summary>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        CheckName(name);
        TensorScope.Forget(parameter);
        parameter.RequiresGrad = true;
        _parameters.Add(new(name, parameter));
        return parameter;
    }

    /// <summary>Registers a buffer (saved in the state dict, never trained) under <paramref name="name"/>.</summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        CheckName(name);
        TensorScope.Forget(buffer);
        _buffers.Add(new(name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(module);
        _children.Add(new(name, module));
        module.Train(IsTraining);
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
        {
            throw new ArgumentException($"Module member name '{name}' must be non-empty and contain no '.'.", nameof(name));
        }

        if (_parameters.Any(p => p.Key == name) || _buffers.Any(b => b.Key == name) || _children.Any(c => c.Key == name))
        {
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'.", nameof(name));
        }
    }

    private IEnumerable<KeyValuePair<string, Tensor>> Named(Func<Module, List<KeyValuePair<string, Tensor>>> select, bool recurse)
    {
        var modules = recurse ? NamedModules() : [new(string.Empty, this)];
        foreach (var (prefix, module) in modules)
        {
            foreach (var (name, t) in select(module))
            {
                yield return new(prefix.Length == 0 ? name : $"{prefix}.{name}", t);
            }
        }
    }
}
