namespace ClassyNet.MLNet.Data;

/// <summary>Names of the standard column annotations, as ML.NET spells them.</summary>
public static class AnnotationKinds
{
    /// <summary>The value of each key of a key column: a vector whose entry k - 1 is the value of key k.</summary>
    public const string KeyValues = "KeyValues";

    /// <summary>A name per slot of a known-size vector column: a vector of text.</summary>
    public const string SlotNames = "SlotNames";

    /// <summary>True on a column a normalizer produced.</summary>
    public const string IsNormalized = "IsNormalized";

    /// <summary>The score column kind of a trainer's output (for example "MulticlassClassification").</summary>
    public const string ScoreColumnKind = "ScoreColumnKind";

    /// <summary>The role of a column in a trainer's output ("Score", "PredictedLabel").</summary>
    public const string ScoreValueKind = "ScoreValueKind";
}
