using ClassyNet.MLNet.Losses;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Losses;

[TestClass]
public sealed class ExitClassSetsTests
{
    [TestMethod]
    public void IncrementalRelabelsWithEquationOne()
    {
        // IC: E1 {9}, E2 {9, 8}, E3 all ten classes.
        var sets = ExitClassSets.Incremental([[9], [8]], classCount: 10);
        Assert.AreEqual(3, sets.ExitCount);
        CollectionAssert.AreEqual(new[] { 9 }, sets.ClassesAt(0).ToArray());
        CollectionAssert.AreEqual(new[] { 9, 8 }, sets.ClassesAt(1).ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3, 10 }, sets.OutputCounts());
        Assert.AreEqual(1, sets.BagIndex(0));
        Assert.AreEqual(2, sets.BagIndex(1));
        Assert.AreEqual(-1, sets.BagIndex(2));

        // y stays y (as its index in S_m) when y is in S_m, else it becomes the bag.
        Assert.AreEqual(0, sets.ToExitLabel(0, 9));
        Assert.AreEqual(1, sets.ToExitLabel(0, 8));
        Assert.AreEqual(1, sets.ToExitLabel(0, 0));
        Assert.AreEqual(0, sets.ToExitLabel(1, 9));
        Assert.AreEqual(1, sets.ToExitLabel(1, 8));
        Assert.AreEqual(2, sets.ToExitLabel(1, 3));
        for (int c = 0; c < 10; c++)
        {
            Assert.AreEqual(c, sets.ToExitLabel(2, c), "the final exit keeps original labels");
        }

        Assert.AreEqual(9, sets.ToOriginalClass(1, 0));
        Assert.AreEqual(8, sets.ToOriginalClass(1, 1));
        Assert.AreEqual(-1, sets.ToOriginalClass(1, 2));
        CollectionAssert.AreEqual(new[] { 1, 0, 1 }, sets.ToExitLabels(0, [3, 9, 8]));
    }

    [TestMethod]
    public void MutuallyExclusiveKeepsSetsSeparate()
    {
        var sets = ExitClassSets.MutuallyExclusive([[0], [1]], 4);
        Assert.AreEqual(ExitClassScheme.MutuallyExclusive, sets.Scheme);
        Assert.AreEqual(1, sets.ToExitLabel(1, 0), "class 0 is in the bag at exit 2 under MC");
        Assert.AreEqual(0, sets.ToExitLabel(1, 1));
        Assert.IsTrue(sets.UsesBagOfClasses);
        StringAssert.Contains(sets.ToString(), "E1 {0}");
    }

    [TestMethod]
    public void AllClassesIsBranchyNet()
    {
        var sets = ExitClassSets.AllClasses(3, 10);
        Assert.IsFalse(sets.UsesBagOfClasses);
        CollectionAssert.AreEqual(new[] { 10, 10, 10 }, sets.OutputCounts());
        Assert.AreEqual(7, sets.ToExitLabel(0, 7));
    }

    [TestMethod]
    public void BagCanBeSwitchedOffWhileKeepingPriorities()
    {
        var sets = ExitClassSets.Incremental([[9], [8]], 10, bagOfClasses: false);
        Assert.IsFalse(sets.UsesBagOfClasses);
        CollectionAssert.AreEqual(new[] { 10, 10, 10 }, sets.OutputCounts());
        Assert.IsTrue(sets.Contains(1, 8));
        Assert.IsFalse(sets.Contains(0, 8));
        Assert.AreEqual(4, sets.ToExitLabel(0, 4));
    }

    [TestMethod]
    public void InvalidSetsNameTheRuleTheyBreak()
    {
        var overlap = Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.MutuallyExclusive([[0, 1], [1]], 4));
        StringAssert.Contains(overlap.Message, "share class(es) 1");
        var shrink = Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.IncrementalFromSets([[0, 1], [1, 2]], 4));
        StringAssert.Contains(shrink.Message, "drops class(es) 0");
        var repeatedAdd = Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.Incremental([[0], [0]], 4));
        StringAssert.Contains(repeatedAdd.Message, "class 0");
        var unknown = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExitClassSets.Incremental([[12]], 10));
        StringAssert.Contains(unknown.Message, "class 12");
        var empty = Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.MutuallyExclusive([[], [1]], 4));
        StringAssert.Contains(empty.Message, "empty");
        Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.MutuallyExclusive([[1, 1]], 4));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExitClassSets.AllClasses(3, 1));
        var sets = ExitClassSets.Incremental([[9]], 10);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => sets.ToExitLabel(0, 10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => sets.ToExitLabel(2, 0));
    }
}
