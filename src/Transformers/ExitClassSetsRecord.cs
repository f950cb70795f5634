using ClassyNet.MLNet.Losses;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The JSON form of <see cref="ExitClassSets"/> inside a model file; <see cref="ClassNames"/> is null for sets given as
/// class indices (and in files written before sets could be named).
/// </summary>
internal sealed record ExitClassSetsRecord(ExitClassScheme Scheme, int ClassCount, bool BagOfClasses, int[][] EarlyExitSets, string[]? ClassNames = null)
{
    public static ExitClassSetsRecord From(ExitClassSets sets) =>
        new(sets.Scheme, sets.ClassCount, sets.BagOfClasses, [.. Enumerable.Range(0, sets.ExitCount - 1).Select(m => sets.ClassesAt(m).ToArray())], sets.ClassNames?.ToArray());

    /// <summary>The sets, or null with the reason in <paramref name="error"/> when the record does not describe valid sets.</summary>
    public ExitClassSets? ToSets(out string? error)
    {
        try
        {
            error = null;
            return ExitClassSets.FromParts(Scheme, ClassCount, BagOfClasses, EarlyExitSets ?? [], ClassNames);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }
    }
}
