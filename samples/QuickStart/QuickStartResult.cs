using ClassyNet.MLNet.Data;

namespace ClassyNet.QuickStart;

/// <summary>What <see cref="QuickStartDemo.Run"/> produced.</summary>
/// <param name="Models">The three models in table order.</param>
/// <param name="Test">The test points.</param>
/// <param name="ClassNames">Class names in label order.</param>
public sealed record QuickStartResult(IReadOnlyList<QuickStartModel> Models, TensorDataset Test, IReadOnlyList<string> ClassNames);
