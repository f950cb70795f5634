using System.Security.Cryptography;
using System.Text;
using ClassyNet.MLNet.Inference;
using TorchSharp;

namespace ClassyNet.MLNet.Deployment;

/// <summary>Identities of models in a split deployment: a user-chosen id and a version derived from the architecture and weights.</summary>
public static class ModelIdentities
{
    /// <summary>
    /// The identity of <paramref name="model"/> under <paramref name="id"/>: the version is the first 16 hex digits of a
    /// SHA-256 over the architecture (<c>spec.json</c>) and every state-dict tensor's name, shape and bytes, so the same
    /// weights give the same version on every machine and any change to them gives another. Thresholds, class names and
    /// metadata do not enter it: they do not change what a partition computes.
    /// </summary>
    public static ModelIdentity Of(ClassyNetModel model, string id)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelIdentity(id, Version(model));
    }

    /// <summary>The version part of <see cref="Of"/>.</summary>
    public static string Version(ClassyNetModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(model.Spec.ToJson()));
        using var scope = torch.NewDisposeScope();
        foreach (var (name, tensor) in model.Network.state_dict())
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"\n{name}:{tensor.dtype}:[{string.Join(",", tensor.shape)}]\n"));
            hash.AppendData(tensor.cpu().contiguous().bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
