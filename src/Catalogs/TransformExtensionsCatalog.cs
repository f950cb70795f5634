using ClassyNet.MLNet.Estimators;

namespace ClassyNet.MLNet;

/// <summary><c>ml.Transforms.CopyColumns</c> and <c>ml.Transforms.Concatenate</c>.</summary>
public static class TransformExtensionsCatalog
{
    /// <summary>Copies <paramref name="inputColumnName"/> to <paramref name="outputColumnName"/>, annotations included.</summary>
    public static ColumnCopyingEstimator CopyColumns(this TransformsCatalog catalog, string outputColumnName, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        return new ColumnCopyingEstimator([(outputColumnName, inputColumnName)]);
    }

    /// <summary>Copies several columns.</summary>
    public static ColumnCopyingEstimator CopyColumns(this TransformsCatalog catalog, params InputOutputColumnPair[] columns)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ColumnCopyingEstimator(InputOutputColumnPair.ToTuples(columns));
    }

    /// <summary>Joins <paramref name="inputColumnNames"/> (scalars and vectors of one item type) into the vector <paramref name="outputColumnName"/>.</summary>
    public static ColumnConcatenatingEstimator Concatenate(this TransformsCatalog catalog, string outputColumnName, params string[] inputColumnNames)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ColumnConcatenatingEstimator(outputColumnName, inputColumnNames);
    }
}
