using ClassyNet.MLNet.Losses;

namespace ClassyNet.MLNet.Transformers;

/// <summary>The JSON form of <see cref="ExitClassSets"/> inside a model file.</summary>
internal sealed record ExitClassSetsRecord(ExitClassScheme Scheme, int ClassCount, bool BagOfClasses, int[][] EarlyExitSets)
{
    public static ExitClassSetsRecord From(ExitClassSets sets) =>
        new(sets.Scheme, sets.ClassCount, sets.BagOfClasses, [.. Enumerable.Range(0, sets.ExitCount - 1).Select(m => sets.ClassesAt(m).ToArray())]);

    /// <summary>The sets, or null with the reason in <paramref name="error"/> when the record does not describe valid sets.</summary>
    public ExitClassSets? ToSets(out string? error)
    {
        try
        {
            error = null;
            return ExitClassSets.FromParts(Scheme, ClassCount, BagOfClasses, EarlyExitSets ?? []);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }
    }
}
