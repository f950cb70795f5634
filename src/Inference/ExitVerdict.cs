namespace ClassyNet.MLNet.Inference;

/// <summary>What Algorithm 1 does with a sample at one exit (see <see cref="EarlyExitSimulation.Verdict"/>).</summary>
public enum ExitVerdict
{
    /// <summary>The sample already left at an earlier exit; this exit never sees it.</summary>
    LeftEarlier,

    /// <summary>The sample leaves here with the exit's answer (the final exit answers for everything that reaches it).</summary>
    Leaves,

    /// <summary>The sample passes on to the next exit because this exit's argmax is the bag of classes (Bag-of-Classes exits only).</summary>
    PassesOnBag,

    /// <summary>The sample passes on because this exit is not confident enough (entropy at or above the threshold, or largest probability below it).</summary>
    PassesOnUncertain,
}
