using ClassyNet.Edge;
using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Tests;

namespace ClassyNet.Deployment.Tests;

/// <summary>Edge packages exported into temporary folders.</summary>
internal sealed class EdgePackages : IDisposable
{
    private readonly TempDirectory _folder = new();
    private int _count;

    /// <summary>Exports <paramref name="model"/> split after <paramref name="splitExit"/> exits as <paramref name="id"/> and loads the package back.</summary>
    public EdgePackage Export(ClassyNetModel model, int splitExit, string id = "test")
    {
        string directory = _folder.File($"package-{_count++}");
        new ModelSplit(model, splitExit, id).ExportEdgePackage(directory);
        return EdgePackage.Load(directory);
    }

    public void Dispose() => _folder.Dispose();
}
