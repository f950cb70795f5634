using static TorchSharp.torch;

namespace ClassyNet.MLNet.Training;

/// <summary>Parses a PyTorch device name and checks that this libtorch build has it.</summary>
internal static class TrainingDevice
{
    internal static Device Parse(string? name, string argument)
    {
        if (string.IsNullOrWhiteSpace(name) || string.Equals(name.Trim(), "cpu", StringComparison.OrdinalIgnoreCase))
        {
            return CPU;
        }

        string text = name.Trim().ToLowerInvariant();
        if (text != "cuda" && !(text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text[5..], out int index) && index >= 0))
        {
            throw new ArgumentException($"{argument} is '{name}'; expected 'cpu', 'cuda' or 'cuda:N'.", argument);
        }

        if (!cuda.is_available())
        {
            throw new ArgumentException($"{argument} is '{name}' but this libtorch has no CUDA device: reference a TorchSharp CUDA package (for example TorchSharp-cuda-linux) instead of TorchSharp-cpu, on a machine with an NVIDIA GPU, or use 'cpu'.", argument);
        }

        var device = new Device(text);
        if (device.index >= cuda.device_count())
        {
            throw new ArgumentException($"{argument} is '{name}' but only {cuda.device_count()} CUDA device(s) exist.", argument);
        }

        return device;
    }
}
