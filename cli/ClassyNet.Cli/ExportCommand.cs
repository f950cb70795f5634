using System.CommandLine;
using ClassyNet.MLNet.Deployment;

namespace ClassyNet.Cli;

/// <summary><c>classynet export edge-part</c>: splits a trained model after an exit and writes the edge package (ONNX + manifest).</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "Model bundle (zip) from classynet train / calibrate." };
        var splitExit = new Option<int>("--split-exit") { Description = "Exits on the edge, k (1..M; M puts the whole model on the edge).", Required = true };
        var output = new Option<string>("--out") { Description = "Package folder to write (created if missing): model.onnx and edge.json.", Required = true };
        var modelId = new Option<string?>("--model-id") { Description = "Model id the cloud service serves it under (default: the model file's name without extension)." };
        var thresholds = new Option<string?>("--thresholds") { Description = "Thresholds T_1..T_(M-1) for this deployment, e.g. 0.4,0.6 (default: the model's)." };
        var edgePart = new Command("edge-part", "Split a model after exit k and write its edge part as ONNX (opset 17) with a manifest, for classynet-edge or ONNX Runtime.")
        {
            model, splitExit, output, modelId, thresholds,
        };
        edgePart.SetAction(r => Run(context, r.GetValue(model)!, r.GetValue(splitExit), r.GetValue(output)!, r.GetValue(modelId), r.GetValue(thresholds)));
        return new Command("export", "Export parts of a model for deployment.") { edgePart };
    }

    private static int Run(CliContext context, string modelPath, int splitExit, string output, string? modelId, string? thresholds)
    {
        var model = ModelData.LoadModel(modelPath);
        if (thresholds is not null)
        {
            model = model.WithThresholds(CliParsing.Floats(thresholds, "--thresholds"));
        }

        var split = new ModelSplit(model, splitExit, modelId ?? DefaultModelId(modelPath));
        var manifest = split.ExportEdgePackage(output);
        var o = context.Output;
        o.Line(manifest.ToString());
        long onnxBytes = new FileInfo(Path.Combine(output, manifest.OnnxFile)).Length;
        o.Line($"wrote {Path.Combine(output, manifest.OnnxFile)} ({onnxBytes:N0} bytes, opset {manifest.Opset}) and {Path.Combine(output, EdgePackageManifest.FileName)}");
        o.Line($"edge thresholds [{CliParsing.Format(manifest.Thresholds)}], cloud thresholds [{CliParsing.Format(manifest.CloudThresholds)}], policy {manifest.Policy}");
        o.Line(manifest.IsComplete
            ? $"run it: classynet-edge run --package {output} --images <idx>"
            : $"run it: classynet-edge run --package {output} --cloud http://127.0.0.1:5005 --images <idx>   (service: classynet serve cloud-part --model {manifest.Model.Id}={modelPath})");
        return 0;
    }

    /// <summary>The model id a file is served and exported under by default: its name without extension.</summary>
    internal static string DefaultModelId(string modelPath) => Path.GetFileNameWithoutExtension(modelPath);
}
