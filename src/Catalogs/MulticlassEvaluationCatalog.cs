using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Evaluation;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet;

/// <summary>
/// <c>ml.MulticlassClassification.Evaluate(...)</c> (ML.NET's multiclass metrics) and
/// <c>ml.MulticlassClassification.EvaluateExits(...)</c> (where an early-exit scorer's samples left the network).
/// </summary>
public static class MulticlassEvaluationCatalog
{
    private const double Epsilon = 1e-15;

    /// <summary>
    /// Evaluates scored data with ML.NET's definitions: micro/macro accuracy, log-loss (and its reduction over the label
    /// prior), per-class log-loss, top-K accuracy and the confusion matrix. Rows with a missing label (key 0, NaN) are
    /// skipped.
    /// </summary>
    /// <param name="catalog">The multiclass catalog.</param>
    /// <param name="data">Scored data (the output of a trained model's Transform).</param>
    /// <param name="labelColumnName">The label: a key over K classes, or a numeric class index. Default <c>"Label"</c>.</param>
    /// <param name="scoreColumnName">The scores: a Vector&lt;Single&gt; of K class probabilities. Default <c>"Score"</c>.</param>
    /// <param name="predictedLabelColumnName">The predicted class: a key over K; when it is not a key (after <c>MapKeyToValue</c>) or absent, the argmax of the scores. Default <c>"PredictedLabel"</c>.</param>
    /// <param name="topKPredictionCount">When positive, compute top-k accuracy for k = 1 .. this. Default 0.</param>
    public static MulticlassClassificationMetrics Evaluate(this MulticlassClassificationCatalog catalog, IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel", int topKPredictionCount = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(topKPredictionCount);
        var score = ColumnRequirement.Vector(scoreColumnName, NumberDataViewType.Single, requireKnownSize: true).Bind(data.Schema);
        int k = ((VectorDataViewType)score.Type).Size;
        var predicted = PredictedKey(data.Schema, predictedLabelColumnName, k);
        var label = BindLabel(data.Schema, labelColumnName, k);
        var names = ClassNames(score, label);

        var confusion = new double[k][];
        for (int c = 0; c < k; c++)
        {
            confusion[c] = new double[k];
        }

        var classCount = new double[k];
        var classLogLoss = new double[k];
        var topK = new double[topKPredictionCount];
        double n = 0, correct = 0, logLoss = 0;
        using (var cursor = data.GetRowCursor(predicted is { } pc ? [label.Column, score, pc] : [label.Column, score]))
        {
            var readLabel = label.CreateReader(cursor);
            var getScore = cursor.GetGetter<VBuffer<float>>(score);
            var getPredicted = predicted is { } column ? cursor.GetGetter<uint>(column) : null;
            VBuffer<float> scores = default;
            var dense = new float[k];
            uint key = 0;
            while (cursor.MoveNext())
            {
                int y = readLabel();
                if (y < 0)
                {
                    continue;
                }

                getScore(ref scores);
                scores.CopyTo(dense);
                int p;
                if (getPredicted is not null)
                {
                    getPredicted(ref key);
                    p = key >= 1 && key <= k ? (int)key - 1 : -1;
                }
                else
                {
                    p = ArgMax(dense);
                }

                n++;
                classCount[y]++;
                if (p >= 0)
                {
                    confusion[y][p]++;
                }

                correct += p == y ? 1 : 0;
                float trueScore = dense[y];
                double loss = -Math.Log(trueScore > Epsilon ? trueScore : Epsilon);
                logLoss += loss;
                classLogLoss[y] += loss;
                if (topKPredictionCount > 0)
                {
                    int rank = float.IsNaN(trueScore) ? k : 0;
                    for (int c = 0; c < k && rank < k; c++)
                    {
                        rank += dense[c] > trueScore ? 1 : 0;
                    }

                    for (int j = rank; j < topKPredictionCount; j++)
                    {
                        topK[j]++;
                    }
                }
            }
        }

        double micro = n > 0 ? correct / n : 0;
        var present = Enumerable.Range(0, k).Where(c => classCount[c] > 0).ToArray();
        double macro = present.Length > 0 ? present.Average(c => confusion[c][c] / classCount[c]) : 0;
        double meanLogLoss = n > 0 ? logLoss / n : 0;
        double prior = present.Sum(c => -(classCount[c] / n) * Math.Log(classCount[c] / n));
        double reduction = (prior - meanLogLoss) / prior;
        var perClass = Enumerable.Range(0, k).Select(c => classCount[c] > 0 ? classLogLoss[c] / classCount[c] : 0).ToArray();
        var topKAll = topKPredictionCount > 0 ? topK.Select(t => n > 0 ? t / n : 0).ToArray() : null;
        return new MulticlassClassificationMetrics(micro, macro, meanLogLoss, reduction, topKPredictionCount, topKAll, perClass, new ConfusionMatrix(confusion, names));
    }

    /// <summary>
    /// Where the samples of an early-exit scorer's output left the network: per exit and class counts, exit rates, exit
    /// precision (share of a exit's samples in its class set), per-class mean exit and multiply-accumulates, and the
    /// speedup over the full network. Reads the scorer's <c>ExitIndex</c> column and its annotations. Rows with a
    /// missing label are skipped.
    /// </summary>
    /// <param name="catalog">The multiclass catalog.</param>
    /// <param name="data">The output of a ClassyNet/BranchyNet model's Transform.</param>
    /// <param name="labelColumnName">The label (key or numeric class index). Default <c>"Label"</c>.</param>
    /// <param name="exitIndexColumnName">The exit taken (Int32). Default <c>"ExitIndex"</c>.</param>
    /// <param name="predictedLabelColumnName">The predicted class (key over K); when it is not a key, the argmax of the scores. Default <c>"PredictedLabel"</c>.</param>
    /// <param name="scoreColumnName">The scores (Vector&lt;Single&gt;), whose SlotNames name the classes. Default <c>"Score"</c>.</param>
    public static EarlyExitMetrics EvaluateExits(this MulticlassClassificationCatalog catalog, IDataView data, string labelColumnName = "Label", string exitIndexColumnName = "ExitIndex", string predictedLabelColumnName = "PredictedLabel", string scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var exitColumn = ColumnRequirement.Scalar(exitIndexColumnName, NumberDataViewType.Int32).Bind(data.Schema);
        var scoreColumn = data.Schema.GetColumnOrNull(scoreColumnName) is { } sc && ColumnRequirement.Vector(scoreColumnName, NumberDataViewType.Single, requireKnownSize: true).IsMetBy(sc.Type) ? sc : (DataViewSchema.Column?)null;
        var predicted = PredictedKey(data.Schema, predictedLabelColumnName, scoreColumn is { } s0 ? ((VectorDataViewType)s0.Type).Size : null);
        int k = predicted is { } p0 ? (int)((KeyDataViewType)p0.Type).Count
            : scoreColumn is { } s1 ? ((VectorDataViewType)s1.Type).Size
            : throw new ArgumentOutOfRangeException(nameof(predictedLabelColumnName), $"Neither a key column '{predictedLabelColumnName}' nor a Vector<Single> column '{scoreColumnName}' was found; pass the output of a ClassyNet or BranchyNet model.");
        var label = BindLabel(data.Schema, labelColumnName, k);
        var annotations = exitColumn.Annotations;
        if (annotations.Schema.GetColumnOrNull(EarlyExitScoringTransformer.ExitClassesAnnotation) is null || annotations.Schema.GetColumnOrNull(EarlyExitScoringTransformer.ExitMacsAnnotation) is null)
        {
            throw new ArgumentOutOfRangeException(nameof(exitIndexColumnName), $"Column '{exitIndexColumnName}' lacks the '{EarlyExitScoringTransformer.ExitClassesAnnotation}' and '{EarlyExitScoringTransformer.ExitMacsAnnotation}' annotations; pass the output of a ClassyNet or BranchyNet model.");
        }

        VBuffer<ReadOnlyMemory<char>> setsText = default;
        annotations.GetValue(EarlyExitScoringTransformer.ExitClassesAnnotation, ref setsText);
        VBuffer<double> macsBuffer = default;
        annotations.GetValue(EarlyExitScoringTransformer.ExitMacsAnnotation, ref macsBuffer);
        double full = 0;
        if (annotations.Schema.GetColumnOrNull(EarlyExitScoringTransformer.FullNetworkMacsAnnotation) is not null)
        {
            annotations.GetValue(EarlyExitScoringTransformer.FullNetworkMacsAnnotation, ref full);
        }

        var sets = setsText.DenseValues().Select(t => (IReadOnlyList<int>)t.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var macs = macsBuffer.DenseValues().ToArray();
        int exits = macs.Length;
        var labels = new List<int>();
        var predictions = new List<EarlyExitPrediction>();
        using (var cursor = data.GetRowCursor(predicted is { } pc ? [label.Column, exitColumn, pc] : [label.Column, exitColumn, scoreColumn!.Value]))
        {
            var readLabel = label.CreateReader(cursor);
            var getExit = cursor.GetGetter<int>(exitColumn);
            var getPredicted = predicted is { } column ? cursor.GetGetter<uint>(column) : null;
            var getScore = predicted is null ? cursor.GetGetter<VBuffer<float>>(scoreColumn!.Value) : null;
            VBuffer<float> scores = default;
            var dense = new float[k];
            int exit = 0;
            uint key = 0;
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
                    getPredicted(ref key);
                }
                else
                {
                    getScore!(ref scores);
                    scores.CopyTo(dense);
                    key = (uint)ArgMax(dense) + 1;
                }

                if ((uint)exit >= (uint)exits || key == 0 || key > k)
                {
                    throw new InvalidOperationException($"Row {cursor.Position} has exit {exit} (the model has {exits}) and predicted key {key} (1..{k}); '{exitIndexColumnName}' and '{predictedLabelColumnName}' must come from the same scorer.");
                }

                labels.Add(y);
                predictions.Add(new EarlyExitPrediction((int)key - 1, exit, 0f, [], (long)macs[exit]));
            }
        }

        var evaluation = EarlyExitEvaluation.Compute(labels, new EarlyExitBatchResult([.. predictions], exits, 0), k);
        var names = scoreColumn is { } s && s.HasSlotNames() && ((VectorDataViewType)s.Type).Size == k ? ClassNames(s, label) : label.Values.Values;
        return new EarlyExitMetrics(evaluation, sets, names, macs, full);
    }

    /// <summary>The predicted-label key column over <paramref name="k"/> classes, or null when there is none (then the scores' argmax is used, as after <c>MapKeyToValue("PredictedLabel")</c>).</summary>
    private static DataViewSchema.Column? PredictedKey(DataViewSchema schema, string name, int? k)
    {
        if (schema.GetColumnOrNull(name) is not { Type: KeyDataViewType key } column)
        {
            return null;
        }

        return k is null || (int)key.Count == k ? column
            : throw new ArgumentOutOfRangeException(nameof(name), $"Predicted label column '{name}' is a key over {key.Count} values but the scores have {k}.");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static LabelColumn BindLabel(DataViewSchema schema, string labelColumnName, int k)
    {
        var label = LabelColumn.Bind(schema, labelColumnName, k);
        if (label.ClassCount != k)
        {
            throw new ArgumentOutOfRangeException(nameof(labelColumnName), $"Label column '{labelColumnName}' ({label.Column.Type}) has {label.ClassCount} classes but the scores have {k}.");
        }

        return label;
    }

    private static string[] ClassNames(DataViewSchema.Column score, LabelColumn label)
    {
        if (!score.HasSlotNames())
        {
            return [.. label.Values.Values];
        }

        VBuffer<ReadOnlyMemory<char>> names = default;
        score.GetSlotNames(ref names);
        return [.. names.DenseValues().Select(n => n.ToString())];
    }
}
