namespace ClassyNet.MLNet.Transformers;

/// <summary>When a transformer of a chain applies (ML.NET's scopes): a label-only step can be kept out of scoring.</summary>
[Flags]
public enum TransformerScope
{
    /// <summary>Never.</summary>
    None = 0,

    /// <summary>While training.</summary>
    Training = 1 << 0,

    /// <summary>While testing (evaluating).</summary>
    Testing = 1 << 1,

    /// <summary>While scoring new data.</summary>
    Scoring = 1 << 2,

    /// <summary>Training and testing.</summary>
    TrainTest = Training | Testing,

    /// <summary>Always.</summary>
    Everything = Training | Testing | Scoring,
}
