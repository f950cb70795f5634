namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>
/// Average rank of each channel's feature maps over a calibration set (HRank's criterion), per channel group of a
/// ResNet (see <see cref="FilterRankPruner"/>).
/// </summary>
/// <param name="Stream">Per residual-stream group (stem output and block outputs up to the next conv shortcut), the average rank of each channel over the images and the maps of that group.</param>
/// <param name="Inner">Per block, the average rank of each channel of its inner feature map (after the first convolution, BN and ReLU).</param>
/// <param name="Images">Calibration images the averages are over.</param>
public sealed record FilterRanks(IReadOnlyList<double[]> Stream, IReadOnlyList<double[]> Inner, int Images);
