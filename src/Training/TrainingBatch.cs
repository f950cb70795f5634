namespace ClassyNet.MLNet.Training;

/// <summary>A batch of samples: <see cref="Count"/> samples stored row-major in <see cref="Features"/>, and their class labels.</summary>
/// <param name="Features">Count x sample-size values (the array may be longer; only the first Count samples are read).</param>
/// <param name="Labels">Class index per sample (the array may be longer).</param>
/// <param name="Count">Number of samples.</param>
public sealed record TrainingBatch(float[] Features, int[] Labels, int Count);
