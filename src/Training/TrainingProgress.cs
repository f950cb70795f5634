namespace ClassyNet.MLNet.Training;

/// <summary>Progress report sent after each training step.</summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Step">Global step count so far.</param>
/// <param name="SamplesInEpoch">Samples processed in the current epoch.</param>
/// <param name="EpochSize">Training samples per epoch.</param>
/// <param name="Loss">Joint loss of the last step.</param>
/// <param name="SamplesPerSecond">Throughput of the current epoch.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, long Step, int SamplesInEpoch, int EpochSize, float Loss, double SamplesPerSecond);
