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
    /// <param name="predictedLabelColumnName">The predicted class: a key over K. Default <c>"PredictedLabel"</c>.</param>
    /// <param name="topKPredictionCount">When positive, compute top-k accuracy for k = 1 .. this. Default 0.</param>
    public static MulticlassClassificationMetrics Evaluate(this MulticlassClassificationCatalog catalog, IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel", int topKPredictionCount = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(topKPredictionCount);
        var score = ColumnRequirement.Vector(scoreColumnName, NumberDataViewType.Single, requireKnownSize: true).Bind(data.Schema);
        int k = ((VectorDataViewType)score.Type).Size;
        var predicted = ColumnRequirement.Key(predictedLabelColumnName).Bind(data.Schema);
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
        using (var cursor = data.GetRowCursor([label.Column, score, predicted]))
        {
            var readLabel = label.CreateReader(cursor);
            var getScore = cursor.GetGetter<VBuffer<float>>(score);
            var getPredicted = cursor.GetGetter<uint>(predicted);
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
                getPredicted(ref key);
                scores.CopyTo(dense);
                int p = key >= 1 && key <= k ? (int)key - 1 : -1;
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
    /// <param name="predictedLabelColumnName">The predicted class (key over K). Default <c>"PredictedLabel"</c>.</param>
    /// <param name="scoreColumnName">The scores, whose SlotNames name the classes (optional). Default <c>"Score"</c>.</param>
    public static EarlyExitMetrics EvaluateExits(this MulticlassClassificationCatalog catalog, IDataView data, string labelColumnName = "Label", string exitIndexColumnName = "ExitIndex", string predictedLabelColumnName = "PredictedLabel", string scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var exitColumn = ColumnRequirement.Scalar(exitIndexColumnName, NumberDataViewType.Int32).Bind(data.Schema);
        var predicted = ColumnRequirement.Key(predictedLabelColumnName).Bind(data.Schema);
        int k = (int)((KeyDataViewType)predicted.Type).Count;
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
        using (var cursor = data.GetRowCursor([label.Column, exitColumn, predicted]))
        {
            var readLabel = label.CreateReader(cursor);
            var getExit = cursor.GetGetter<int>(exitColumn);
            var getPredicted = cursor.GetGetter<uint>(predicted);
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
                getPredicted(ref key);
                if ((uint)exit >= (uint)exits || key == 0 || key > k)
                {
                    throw new InvalidOperationException($"Row {cursor.Position} has exit {exit} (the model has {exits}) and predicted key {key} (1..{k}); '{exitIndexColumnName}' and '{predictedLabelColumnName}' must come from the same scorer.");
                }

                labels.Add(y);
                predictions.Add(new EarlyExitPrediction((int)key - 1, exit, 0f, [], (long)macs[exit]));
            }
        }

        var evaluation = EarlyExitEvaluation.Compute(labels, new EarlyExitBatchResult([.. predictions], exits, 0), k);
        var score = data.Schema.GetColumnOrNull(scoreColumnName);
        var names = score is { } s && s.HasSlotNames() && s.Type is VectorDataViewType { Size: var size } && size == k ? ClassNames(s, label) : label.Values.Values;
        return new EarlyExitMetrics(evaluation, sets, names, macs, full);
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
