namespace ClassyNet.MLNet.Data;

/// <summary>The column names ML.NET components use by default.</summary>
public static class DefaultColumnNames
{
    /// <summary>The label.</summary>
    public const string Label = "Label";

    /// <summary>The features.</summary>
    public const string Features = "Features";

    /// <summary>A trainer's score vector.</summary>
    public const string Score = "Score";

    /// <summary>A classifier's predicted label (a key).</summary>
    public const string PredictedLabel = "PredictedLabel";
}
