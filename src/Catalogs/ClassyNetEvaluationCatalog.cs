using System.Globalization;
using ClassyNet.MLNet.Evaluation;
using ClassyNet.MLNet.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet;

/// <summary>
/// <c>mlContext.MulticlassClassification.EvaluateExits(...)</c>: where an early-exit scorer's samples left the network,
/// next to ML.NET's own <c>mlContext.MulticlassClassification.Evaluate(...)</c>.
/// </summary>
public static class ClassyNetEvaluationCatalog
{
    /// <summary>
    /// Where the samples of an early-exit scorer's output left the network: per exit and class counts, exit rates, exit
    /// precision (share of an exit's samples in its class set), per-class mean exit and multiply-accumulates, and the
    /// speedup over the full network. Reads the scorer's <c>ExitIndex</c> column and its annotations. Rows with a missing
    /// label (key 0) are skipped.
    /// </summary>
    /// <param name="catalog">ML.NET's multiclass catalog.</param>
    /// <param name="data">The output of a ClassyNet/BranchyNet model's Transform.</param>
    /// <param name="labelColumnName">The label, a Key&lt;UInt32&gt; over the K classes. Default <c>"Label"</c>.</param>
    /// <param name="exitIndexColumnName">The exit taken (Int32). Default <c>"ExitIndex"</c>.</param>
    /// <param name="predictedLabelColumnName">The predicted class (a key over K); when it is not a key (after <c>MapKeyToValue</c>), the argmax of the scores is used. Default <c>"PredictedLabel"</c>.</param>
    /// <param name="scoreColumnName">The scores (Vector&lt;Single, K&gt;), whose SlotNames name the classes. Default <c>"Score"</c>.</param>
    public static EarlyExitMetrics EvaluateExits(this MulticlassClassificationCatalog catalog, IDataView data, string labelColumnName = "Label", string exitIndexColumnName = "ExitIndex", string predictedLabelColumnName = "PredictedLabel", string scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var schema = data.Schema;
        var exitColumn = schema.GetColumnOrNull(exitIndexColumnName) ?? throw SchemaErrors.Missing(nameof(exitIndexColumnName), "exit index", exitIndexColumnName, SchemaErrors.Names(schema), "Int32");
        if (exitColumn.Type != NumberDataViewType.Int32)
        {
            throw SchemaErrors.Mismatch(nameof(exitIndexColumnName), "exit index", exitIndexColumnName, "Int32", exitColumn.Type.ToString()!);
        }

        var scoreColumn = schema.GetColumnOrNull(scoreColumnName) is { Type: VectorDataViewType { ItemType: var item, IsKnownSize: true } } sc && item == NumberDataViewType.Single ? sc : (DataViewSchema.Column?)null;
        var predicted = schema.GetColumnOrNull(predictedLabelColumnName) is { Type: KeyDataViewType } pc ? pc : (DataViewSchema.Column?)null;
        int k = predicted is { Type: KeyDataViewType key } ? (int)key.Count
            : scoreColumn is { Type: VectorDataViewType vector } ? vector.Size
            : throw SchemaErrors.Missing(nameof(predictedLabelColumnName), "predicted label", predictedLabelColumnName, SchemaErrors.Names(schema), $"a key, or a known-size Vector<Single> column '{scoreColumnName}'");
        if (scoreColumn is { Type: VectorDataViewType scores } && scores.Size != k)
        {
            throw SchemaErrors.Mismatch(nameof(scoreColumnName), "score", scoreColumnName, $"Vector<Single, {k}> (as many classes as '{predictedLabelColumnName}')", scores.ToString());
        }

        var label = LabelColumn.Bind(schema, labelColumnName, nameof(labelColumnName));
        if (label.ClassCount != k)
        {
            throw SchemaErrors.Mismatch(nameof(labelColumnName), "label", labelColumnName, $"a key over {k} classes (as many as the scores)", label.Column.Type.ToString()!);
        }

        var annotations = exitColumn.Annotations;
        if (annotations.Schema.GetColumnOrNull(AnnotationKinds.ExitClasses) is null || annotations.Schema.GetColumnOrNull(AnnotationKinds.ExitMacs) is null || annotations.Schema.GetColumnOrNull(AnnotationKinds.FullNetworkMacs) is null)
        {
            throw new ArgumentOutOfRangeException(nameof(exitIndexColumnName), $"Column '{exitIndexColumnName}' lacks the '{AnnotationKinds.ExitClasses}', '{AnnotationKinds.ExitMacs}' and '{AnnotationKinds.FullNetworkMacs}' annotations; pass the output of a ClassyNet or BranchyNet model.");
        }

        VBuffer<ReadOnlyMemory<char>> setsText = default;
        annotations.GetValue(AnnotationKinds.ExitClasses, ref setsText);
        VBuffer<double> macsBuffer = default;
        annotations.GetValue(AnnotationKinds.ExitMacs, ref macsBuffer);
        double full = 0;
        annotations.GetValue(AnnotationKinds.FullNetworkMacs, ref full);
        var sets = setsText.DenseValues().Select(t => (IReadOnlyList<int>)[.. t.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))]).ToArray();
        var macs = macsBuffer.DenseValues().ToArray();

        var labels = new List<int>();
        var predictions = new List<int>();
        var exits = new List<int>();
        using (var cursor = data.GetRowCursor(predicted is { } p ? [label.Column, exitColumn, p] : [label.Column, exitColumn, scoreColumn!.Value]))
        {
            var readLabel = label.CreateReader(cursor);
            var getExit = cursor.GetGetter<int>(exitColumn);
            var getPredicted = predicted is { } column ? cursor.GetGetter<uint>(column) : null;
            var getScore = predicted is null ? cursor.GetGetter<VBuffer<float>>(scoreColumn!.Value) : null;
            VBuffer<float> scoreValues = default;
            int exit = 0;
            uint keyValue = 0;
            while (cursor.MoveNext())
            {
                int y = readLabel();
                if (y < 0)
                {
                    continue;
                }

                getExit(ref exit);
                if (getPredicted is not null)
                {
                    getPredicted(ref keyValue);
                }
                else
                {
                    getScore!(ref scoreValues);
                    keyValue = (uint)ArgMax(scoreValues) + 1;
                }

                if ((uint)exit >= (uint)macs.Length || keyValue == 0 || keyValue > k)
                {
                    throw new InvalidOperationException($"Row {cursor.Position} has exit {exit} (the model has {macs.Length}) and predicted key {keyValue} (1..{k}); '{exitIndexColumnName}' and '{predictedLabelColumnName}' must come from the same scorer.");
                }

                labels.Add(y);
                predictions.Add((int)keyValue - 1);
                exits.Add(exit);
            }
        }

        var evaluation = EarlyExitEvaluation.Compute(labels, predictions, exits, macs, k);
        return new EarlyExitMetrics(evaluation, sets, ClassNames(scoreColumn, label, k), macs, full);
    }

    private static int ArgMax(in VBuffer<float> values)
    {
        int best = 0;
        float max = float.NegativeInfinity;
        int i = 0;
        foreach (float v in values.DenseValues())
        {
            if (v > max)
            {
                max = v;
                best = i;
            }

            i++;
        }

        return best;
    }

    private static IReadOnlyList<string> ClassNames(DataViewSchema.Column? score, LabelColumn label, int k)
    {
        if (score is not { } column || !column.HasSlotNames())
        {
            return label.Values.Values;
        }

        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        return names.Length == k ? [.. names.DenseValues().Select(n => n.ToString())] : label.Values.Values;
    }
}
