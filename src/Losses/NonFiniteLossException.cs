namespace ClassyNet.MLNet.Losses;

/// <summary>Thrown when a loss turns NaN or infinite and non-finite detection is on; names the step and the exit.</summary>
public sealed class NonFiniteLossException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteLossException(long step, int exit, float value)
        : base($"Non-finite loss {value} at exit {exit + 1} (index {exit}) on training step {step}. Lower the learning rate, check the inputs for NaN/Inf, or check the cost matrices.")
    {
        Step = step;
        Exit = exit;
        Value = value;
    }

    /// <summary>Training step (0-based) at which the loss was non-finite.</summary>
    public long Step { get; }

    /// <summary>Exit index (0-based) whose loss was non-finite.</summary>
    public int Exit { get; }

    /// <summary>The offending value.</summary>
    public float Value { get; }
}
