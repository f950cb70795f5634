using System.Globalization;
using System.Text;

namespace ClassyNet.MLNet.Evaluation;

/// <summary>
/// Counts of predicted versus actual classes (ML.NET's ConfusionMatrix): <see cref="Counts"/>[actual][predicted], with
/// per-class precision and recall.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly double[][] counts;
    private readonly string[] classNames;

    internal ConfusionMatrix(double[][] counts, IReadOnlyList<string> classNames)
    {
        this.counts = counts;
        this.classNames = [.. classNames];
        int k = counts.Length;
        var precision = new double[k];
        var recall = new double[k];
        for (int c = 0; c < k; c++)
        {
            double actual = counts[c].Sum();
            double predicted = counts.Sum(row => row[c]);
            recall[c] = actual > 0 ? counts[c][c] / actual : 0;
            precision[c] = predicted > 0 ? counts[c][c] / predicted : 0;
        }

        PerClassPrecision = precision;
        PerClassRecall = recall;
    }

    /// <summary>Precision of each class: correct predictions of the class / all predictions of it (0 when never predicted).</summary>
    public IReadOnlyList<double> PerClassPrecision { get; }

    /// <summary>Recall of each class: correct predictions of the class / its instances (0 when it has none).</summary>
    public IReadOnlyList<double> PerClassRecall { get; }

    /// <summary>The counts: <c>Counts[actual][predicted]</c>.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Counts => counts;

    /// <summary>Number of classes.</summary>
    public int NumberOfClasses => counts.Length;

    /// <summary>The class names (the Score column's SlotNames, else the class indices).</summary>
    public IReadOnlyList<string> ClassNames => classNames;

    /// <summary>Instances of class <paramref name="actualClassLabelIndex"/> predicted as <paramref name="predictedClassLabelIndex"/>.</summary>
    public double GetCountForClassPair(int predictedClassLabelIndex, int actualClassLabelIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(predictedClassLabelIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predictedClassLabelIndex, NumberOfClasses);
        ArgumentOutOfRangeException.ThrowIfNegative(actualClassLabelIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(actualClassLabelIndex, NumberOfClasses);
        return counts[actualClassLabelIndex][predictedClassLabelIndex];
    }

    /// <summary>
    /// The matrix as text, laid out like ML.NET's: a row per actual class with its recall, a column per predicted class,
    /// and a last row of precisions.
    /// </summary>
    public string GetFormattedConfusionTable()
    {
        int k = NumberOfClasses;
        int width = Math.Max(6, Math.Max(counts.SelectMany(r => r).Select(v => Format(v).Length).DefaultIfEmpty(1).Max(), classNames.Select(n => n.Length).DefaultIfEmpty(1).Max()));
        int nameWidth = Math.Max(9, classNames.Select(n => n.Length).DefaultIfEmpty(1).Max());
        string rule = new string(' ', nameWidth + 1) + "||" + new string('=', (k * (width + 3)) + 7);
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("Confusion table");
        text.AppendLine(rule);
        text.Append("PREDICTED".PadRight(nameWidth)).Append(" ||");
        foreach (var name in classNames)
        {
            text.Append(' ').Append(name.PadLeft(width)).Append(" |");
        }

        text.AppendLine(" Recall");
        text.Append("TRUTH".PadRight(nameWidth)).Append(" ").AppendLine(rule.TrimStart());
        for (int a = 0; a < k; a++)
        {
            text.Append(classNames[a].PadLeft(nameWidth)).Append(" ||");
            for (int p = 0; p < k; p++)
            {
                text.Append(' ').Append(Format(counts[a][p]).PadLeft(width)).Append(" |");
            }

            text.Append(' ').AppendLine(PerClassRecall[a].ToString("0.0000", CultureInfo.InvariantCulture));
        }

        text.AppendLine(rule);
        text.Append("Precision".PadRight(nameWidth)).Append(" ||");
        for (int p = 0; p < k; p++)
        {
            text.Append(' ').Append(PerClassPrecision[p].ToString("0.0000", CultureInfo.InvariantCulture).PadLeft(width)).Append(" |");
        }

        text.AppendLine();
        return text.ToString();
    }

    private static string Format(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
