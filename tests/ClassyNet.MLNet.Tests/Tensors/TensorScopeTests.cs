using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Nn;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class TensorScopeTests
{
    [TestMethod]
    public void TensorsCreatedInAScopeAreDisposedAtItsEnd()
    {
        Tensor a, b, c;
        using (var scope = TensorScope.Begin())
        {
            a = Tensor.Ones(3);
            b = Tensor.Zeros(300);
            c = F.Add(a, a);
            Assert.IsTrue(scope.Count >= 3);
            CollectionAssert.AreEqual(new[] { 2f, 2f, 2f }, c.ToArray());
        }

        foreach (var t in new[] { a, b, c })
        {
            Assert.Throws<ObjectDisposedException>(() => t.ToArray());
            Assert.Throws<ObjectDisposedException>(() => t.AsSpan().Length.ToString());
        }

        Assert.AreEqual(3, a.Numel, "metadata stays readable");
        a.Dispose(); // disposing twice is harmless
    }

    [TestMethod]
    public void TensorsOutsideAnyScopeAreNotDisposed()
    {
        var outside = Tensor.Ones(4);
        using (TensorScope.Begin())
        {
            F.Sum(outside);
        }

        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f, 1f }, outside.ToArray());
    }

    [TestMethod]
    public void MoveToOuterKeepsOneTensorAlive()
    {
        Tensor kept, dropped;
        using (var scope = TensorScope.Begin())
        {
            kept = scope.MoveToOuter(Tensor.Full([2], 7f));
            dropped = Tensor.Full([2], 8f);
        }

        CollectionAssert.AreEqual(new[] { 7f, 7f }, kept.ToArray());
        Assert.Throws<ObjectDisposedException>(() => dropped.ToArray());
    }

    [TestMethod]
    public void NestedScopesDisposeInnerFirstAndMoveToOuterHandsOver()
    {
        using var outer = TensorScope.Begin();
        var fromOuter = Tensor.Ones(2);
        Tensor inner1, moved;
        using (var inner = TensorScope.Begin())
        {
            inner1 = F.MulScalar(fromOuter, 3f);
            moved = inner.MoveToOuter(F.MulScalar(fromOuter, 5f));
        }

        Assert.Throws<ObjectDisposedException>(() => inner1.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 1f }, fromOuter.ToArray(), "tensors of the outer scope survive the inner one");
        CollectionAssert.AreEqual(new[] { 5f, 5f }, moved.ToArray());

        var laterInOuter = Tensor.Ones(1);
        outer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => moved.ToArray(), "a tensor moved to the outer scope ends with it");
        Assert.Throws<ObjectDisposedException>(() => fromOuter.ToArray());
        Assert.Throws<ObjectDisposedException>(() => laterInOuter.ToArray());
        var afterwards = Tensor.Ones(1);
        CollectionAssert.AreEqual(new[] { 1f }, afterwards.ToArray(), "no scope is active after the outer one ends");
    }

    [TestMethod]
    public void ParametersCreatedInsideAScopeSurviveIt()
    {
        Linear lin;
        BatchNorm2d bn;
        using (TensorScope.Begin())
        {
            lin = new Linear(3, 2, generator: new Generator(1));
            bn = new BatchNorm2d(2);
            var y = lin.Forward(Tensor.Ones(4, 3));
            F.Sum(y).Backward();
        }

        Assert.AreEqual(6, lin.Weight.ToArray().Length);
        Assert.AreEqual(2, lin.Bias!.ToArray().Length);
        CollectionAssert.AreEqual(new[] { 4f, 4f, 4f, 4f, 4f, 4f }, lin.Weight.Grad!.ToArray(), "gradients survive too");
        CollectionAssert.AreEqual(new[] { 0f, 0f }, bn.RunningMean.ToArray());
        Assert.AreEqual(0f, bn.NumBatchesTracked.Item());
        using (TensorScope.Begin())
        {
            GradCheck.AssertShape(lin.Forward(Tensor.Ones(1, 3)), 1, 2);
        }
    }

    [TestMethod]
    public void ViewsOfLongLivedTensorsDoNotFreeThemWhenDisposed()
    {
        var lin = new Linear(300, 2, generator: new Generator(1));
        var before = lin.Weight.ToArray();
        using (TensorScope.Begin())
        {
            var view = lin.Weight.Reshape(-1);
            Assert.AreEqual(600, view.Numel);
        }

        // The view went back with the scope; the weight still owns its (unchanged) buffer, and new tensors cannot alias it.
        using (TensorScope.Begin())
        {
            var other = Tensor.Full([2, 300], 9f);
            CollectionAssert.AreEqual(before, lin.Weight.ToArray());
            Assert.AreEqual(9f, other[1, 299]);
        }
    }

    [TestMethod]
    public void DisposedBufferIsNotSharedWithALiveTensor()
    {
        // A buffer freed by one scope may be reused, but never while a live tensor still holds it.
        var kept = new List<Tensor>();
        for (int round = 0; round < 3; round++)
        {
            using var scope = TensorScope.Begin();
            var t = Tensor.Full([512], round);
            kept.Add(scope.MoveToOuter(F.AddScalar(t, 0f)));
        }

        for (int round = 0; round < 3; round++)
        {
            Assert.IsTrue(kept[round].ToArray().All(v => v == round), $"tensor {round} was overwritten");
        }
    }

    [TestMethod]
    public void OptimizerStateSurvivesScopes()
    {
        var p = TensorScope.Untracked(() => Tensor.Ones(3).RequiresGrad_());
        var opt = new ClassyNet.MLNet.Tensors.Optim.Adam([p], lr: 0.1);
        for (int i = 0; i < 2; i++)
        {
            using var scope = TensorScope.Begin();
            opt.ZeroGrad();
            F.Sum(F.Mul(p, p)).Backward();
            opt.Step();
        }

        var state = opt.StateDict();
        Assert.IsTrue(state["state.0.exp_avg"].ToArray().All(v => v > 0f));
    }
}
