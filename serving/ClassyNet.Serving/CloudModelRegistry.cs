using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using Microsoft.Extensions.Logging;

namespace ClassyNet.Serving;

/// <summary>
/// The models the cloud-part service holds, by id and weights version. Loading a version of an id makes it the id's
/// current version and keeps the previous ones up to <see cref="CloudPartServerOptions.RetainedVersions"/> (edges still
/// on them keep being served); older versions are retired: they take no new request, requests already running on
/// them finish, and then their weights are released. Thread-safe; swaps never fail or delay a request in flight.
/// </summary>
public sealed class CloudModelRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<LoadedCloudModel>> _byId = new(StringComparer.Ordinal);
    private readonly int _retained;
    private readonly ILogger _logger;

    internal CloudModelRegistry(int retainedVersions, ILogger logger)
    {
        _retained = retainedVersions;
        _logger = logger;
    }

    /// <summary>Number of model versions held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Values.Sum(v => v.Count);
            }
        }
    }

    /// <summary>Loads the model file at <paramref name="path"/> under <paramref name="id"/> (the registry owns its weights) and makes it current.</summary>
    public ModelIdentity Load(string path, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = ClassyNetModel.Load(path);
        try
        {
            return Add(model, id, owned: true, path);
        }
        catch
        {
            model.Network.Dispose();
            throw;
        }
    }

    /// <summary>Adds an in-memory model under <paramref name="id"/> and makes it current; the caller keeps ownership of its weights.</summary>
    public ModelIdentity Add(ClassyNetModel model, string id)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Add(model, id, owned: false, source: "memory");
    }

    /// <summary>Retires one version; false when it is not held.</summary>
    public bool Unload(string id, string version)
    {
        LoadedCloudModel? gone;
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var versions) || (gone = versions.Find(v => v.Identity.Version == version)) is null)
            {
                return false;
            }

            versions.Remove(gone);
            if (versions.Count == 0)
            {
                _byId.Remove(id);
            }
        }

        gone.Retire();
        ServingLog.ModelRetired(_logger, id, version, gone.InFlight);
        return true;
    }

    /// <summary>The versions held, grouped by id, oldest first.</summary>
    public IReadOnlyList<CloudModelInfo> Models()
    {
        lock (_gate)
        {
            return _byId.Values.SelectMany(versions => versions.Select((v, i) => new CloudModelInfo
            {
                Identity = v.Identity,
                Current = i == versions.Count - 1,
                ExitCount = v.Model.ExitCount,
                ClassCount = v.Model.ClassCount,
                ActivationShapes = v.ActivationShapes,
                InFlight = v.InFlight,
            })).ToArray();
        }
    }

    /// <summary>
    /// Finds <paramref name="id"/>@<paramref name="version"/> and counts a request in (call
    /// <see cref="LoadedCloudModel.Exit"/> when it is done). Returns null with a reason naming what the service holds
    /// when there is no such version.
    /// </summary>
    internal (LoadedCloudModel? Model, string? Missing) TryAcquire(string id, string version)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var versions))
            {
                return (null, $"no model with id '{id}' is loaded (loaded: {Describe()})");
            }

            var found = versions.Find(v => v.Identity.Version == version);
            if (found is null || !found.TryEnter())
            {
                return (null, $"model '{id}' has no version '{version}' (loaded: {string.Join(", ", versions.Select(v => v.Identity.Version))})");
            }

            return (found, null);
        }
    }

    private ModelIdentity Add(ClassyNetModel model, string id, bool owned, string source)
    {
        var identity = ModelIdentities.Of(model, id);
        var loaded = new LoadedCloudModel(model, identity, owned);
        var retired = new List<LoadedCloudModel>();
        LoadedCloudModel? duplicate;
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var versions))
            {
                _byId[id] = versions = [];
            }

            duplicate = versions.Find(v => v.Identity.Version == identity.Version);
            if (duplicate is not null)
            {
                // The same weights again: keep the instance that is already serving, make it current.
                versions.Remove(duplicate);
                versions.Add(duplicate);
            }
            else
            {
                versions.Add(loaded);
                while (versions.Count > _retained)
                {
                    retired.Add(versions[0]);
                    versions.RemoveAt(0);
                }
            }
        }

        if (duplicate is not null && owned)
        {
            model.Network.Dispose();
        }

        ServingLog.ModelLoaded(_logger, id, identity.Version, source, model.ExitCount, duplicate is not null);
        foreach (var old in retired)
        {
            old.Retire();
            ServingLog.ModelRetired(_logger, id, old.Identity.Version, old.InFlight);
        }

        return identity;
    }

    private string Describe() => _byId.Count == 0 ? "none" : string.Join(", ", _byId.Keys.Order(StringComparer.Ordinal));
}
