using ClassyNet.MLNet.Losses;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Losses;

[TestClass]
public sealed class CostMatricesTests
{
    [TestMethod]
    public void TargetedBuildsEquationThreeWithoutBag()
    {
        // The paper's example: four classes, the exit targets {blue, green} = {0, 1}; rows are true labels.
        var sets = ExitClassSets.Incremental([[0, 1]], 4, bagOfClasses: false);
        var m = CostMatrices.Targeted(c1: 0.5f, c2: 2f, c3: 3f, c4: 4f).ForExit(sets, 0);
        float[,] expected =
        {
            { 0.5f, 2f, 2f, 2f },
            { 2f, 0.5f, 2f, 2f },
            { 4f, 4f, 3f, 4f },
            { 4f, 4f, 4f, 3f },
        };
        CollectionAssert.AreEqual(expected, m);
    }

    [TestMethod]
    public void TargetedTreatsTheBagAsTheNonTargetedClass()
    {
        var sets = ExitClassSets.Incremental([[9], [8]], 10);
        var costs = CostMatrices.Targeted(0.5f, 2f, 1f, 3f);
        float[,] exit2 =
        {
            { 0.5f, 2f, 2f },
            { 2f, 0.5f, 2f },
            { 3f, 3f, 1f },
        };
        CollectionAssert.AreEqual(exit2, costs.ForExit(sets, 1));
        var final = costs.ForExit(sets, 2);
        Assert.AreEqual(10, final.GetLength(0));
        Assert.IsTrue(final.Cast<float>().All(v => v == 1f), "the final exit keeps plain cross-entropy");
    }

    [TestMethod]
    public void OnesAndExplicitMatrices()
    {
        var sets = ExitClassSets.MutuallyExclusive([[0]], 3);
        Assert.IsTrue(CostMatrices.Ones.ForExit(sets, 0).Cast<float>().All(v => v == 1f));
        var explicitCosts = CostMatrices.Explicit([new float[,] { { 1, 2 }, { 3, 4 } }, new float[3, 3]]);
        Assert.AreEqual(3f, explicitCosts.ForExit(sets, 0)[1, 0]);
        var wrongSize = CostMatrices.Explicit([new float[,] { { 1, 2, 3 }, { 1, 2, 3 }, { 1, 2, 3 } }, new float[3, 3]]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => wrongSize.ForExit(sets, 0));
        StringAssert.Contains(e.Message, "expected 2x2");
        Assert.ThrowsExactly<ArgumentException>(() => CostMatrices.Explicit([new float[2, 3]]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CostMatrices.Explicit([new float[,] { { float.NaN } }]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CostMatrices.Targeted(-1, 1, 1, 1));
        Assert.ThrowsExactly<ArgumentException>(() => CostMatrices.Explicit([new float[2, 2]]).ForExit(sets, 0));
    }
}
