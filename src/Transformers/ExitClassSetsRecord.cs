using ClassyNet.MLNet.Losses;

namespace ClassyNet.MLNet.Transformers;

/// <summary>The JSON form of <see cref="ExitClassSets"/> inside a model zip.</summary>
internal sealed record ExitClassSetsRecord(ExitClassScheme Scheme, int ClassCount, bool BagOfClasses, int[][] EarlyExitSets)
{
    public static ExitClassSetsRecord From(ExitClassSets sets) =>
        new(sets.Scheme, sets.ClassCount, sets.BagOfClasses, [.. Enumerable.Range(0, sets.ExitCount - 1).Select(m => sets.ClassesAt(m).ToArray())]);

    public ExitClassSets ToSets(ModelLoadContext ctx)
    {
        try
        {
            return ExitClassSets.FromParts(Scheme, ClassCount, BagOfClasses, EarlyExitSets ?? []);
        }
        catch (ArgumentException e)
        {
            throw ctx.Error($"the exit class sets are not valid ({e.Message})", e);
        }
    }
}
