using ClassyNet.MLNet.Deployment;

namespace ClassyNet.Edge;

/// <summary>
/// An exported edge part as the device receives it: a folder holding the manifest (<see cref="EdgePackageManifest.FileName"/>)
/// and the ONNX graph it names, checked against the length and CRC-32 the manifest records.
/// </summary>
public sealed class EdgePackage
{
    private EdgePackage(string directory, EdgePackageManifest manifest, byte[] onnx)
    {
        Directory = directory;
        Manifest = manifest;
        Onnx = onnx;
    }

    /// <summary>The package folder.</summary>
    public string Directory { get; }

    /// <summary>The manifest.</summary>
    public EdgePackageManifest Manifest { get; }

    /// <summary>The ONNX graph's bytes.</summary>
    public ReadOnlyMemory<byte> Onnx { get; }

    /// <summary>Path of the ONNX file.</summary>
    public string OnnxPath => Path.Combine(Directory, Manifest.OnnxFile);

    /// <summary>Reads and checks the package in <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The manifest or the ONNX file is missing.</exception>
    /// <exception cref="InvalidDataException">The manifest is invalid or the ONNX file is not the one it names.</exception>
    public static EdgePackage Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Edge package folder '{directory}' does not exist.");
        }

        var manifest = EdgePackageManifest.Read(Path.Combine(directory, EdgePackageManifest.FileName));
        string onnxPath = Path.Combine(directory, manifest.OnnxFile);
        if (!File.Exists(onnxPath))
        {
            throw new FileNotFoundException($"Edge package '{directory}' names ONNX file '{manifest.OnnxFile}', which does not exist.", onnxPath);
        }

        var onnx = File.ReadAllBytes(onnxPath);
        if (manifest.Mismatch(onnx) is { } mismatch)
        {
            throw new InvalidDataException($"Edge package '{directory}': {mismatch}; the graph is damaged or does not belong to this manifest (re-export the package).");
        }

        return new EdgePackage(directory, manifest, onnx);
    }
}
