namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The names of the column annotations ClassyNet reads and writes. ML.NET's own names (its <c>AnnotationUtils.Kinds</c>
/// is internal) are written as the strings ML.NET uses.
/// </summary>
public static class AnnotationKinds
{
    /// <summary>ML.NET's key-values annotation of a key column: the value of each key.</summary>
    public const string KeyValues = "KeyValues";

    /// <summary>ML.NET's slot-names annotation of a vector column.</summary>
    public const string SlotNames = "SlotNames";

    /// <summary>ML.NET's annotation on a scorer's outputs naming the task (<c>MulticlassClassification</c>).</summary>
    public const string ScoreColumnKind = "ScoreColumnKind";

    /// <summary>ML.NET's annotation on a scorer's outputs naming what the column holds (<c>Score</c>, <c>PredictedLabel</c>).</summary>
    public const string ScoreValueKind = "ScoreValueKind";

    /// <summary>On <c>ExitIndex</c>: per exit, the class indices (0-based, key order) of S_m, space-separated (Vector&lt;Text, M&gt;).</summary>
    public const string ExitClasses = "ClassyNet.ExitClasses";

    /// <summary>On <c>ExitIndex</c>: the multiply-accumulates of a sample that leaves at each exit (Vector&lt;Double, M&gt;).</summary>
    public const string ExitMacs = "ClassyNet.ExitMacs";

    /// <summary>On <c>ExitIndex</c>: the multiply-accumulates of the full network without early exits (Double).</summary>
    public const string FullNetworkMacs = "ClassyNet.FullNetworkMacs";
}
