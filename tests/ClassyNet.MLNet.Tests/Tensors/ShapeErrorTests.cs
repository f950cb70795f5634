using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Nn;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class ShapeErrorTests
{
    private static void AssertMentions(Exception e, params string[] parts)
    {
        foreach (var part in parts)
        {
            AutogradTests.StringAssertContains(e.Message, part);
        }
    }

    [TestMethod]
    public void AddWithIncompatibleShapesNamesOpAndBothShapes()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => F.Add(Tensor.Zeros(2, 3), Tensor.Zeros(4)));
        AssertMentions(e, "Add", "[2, 3]", "[4]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.Mul(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3, 3, 1))), "Mul", "[2, 3, 4]", "[3, 3, 1]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.Sub(Tensor.Zeros(5), Tensor.Zeros(6))), "Sub", "[5]", "[6]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.Div(Tensor.Zeros(5), Tensor.Zeros(2, 6))), "Div", "[5]", "[2, 6]");
    }

    [TestMethod]
    public void MatMulInnerMismatchNamesBothShapes()
    {
        using var scope = TensorScope.Begin();
        AssertMentions(Assert.Throws<ArgumentException>(() => F.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(4, 5))), "MatMul", "[2, 3]", "[4, 5]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.MatMul(Tensor.Zeros(2, 2, 3), Tensor.Zeros(2, 4, 5))), "MatMul", "[2, 2, 3]", "[2, 4, 5]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.MatMul(Tensor.Zeros(2, 2, 3), Tensor.Zeros(3, 3, 5))), "MatMul", "[2, 2, 3]", "[3, 3, 5]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.MatMul(Tensor.Zeros(3), Tensor.Zeros(3, 5))), "MatMul", "[3]", "[3, 5]");
    }

    [TestMethod]
    public void Conv2dChannelMismatchNamesBothShapes()
    {
        using var scope = TensorScope.Begin();
        AssertMentions(Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 2, 5, 5), Tensor.Zeros(4, 3, 3, 3))), "Conv2d", "[1, 2, 5, 5]", "[4, 3, 3, 3]");
        var conv = new Conv2d(3, 4, 3, generator: new Generator(1));
        AssertMentions(Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Zeros(1, 2, 5, 5))), "Conv2d", "[1, 2, 5, 5]", "[4, 3, 3, 3]");
        AssertMentions(Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Zeros(3, 5, 5))), "Conv2d", "[3, 5, 5]");
        AssertMentions(Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Zeros(1, 3, 2, 2))), "Conv2d", "[1, 3, 2, 2]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 3, 5, 5), Tensor.Zeros(4, 3, 3, 3), Tensor.Zeros(5))), "Conv2d", "[5]", "[4]");
    }

    [TestMethod]
    public void LinearWrongFeaturesNamesBothShapes()
    {
        using var scope = TensorScope.Begin();
        var lin = new Linear(4, 3, generator: new Generator(1));
        AssertMentions(Assert.Throws<ArgumentException>(() => lin.Forward(Tensor.Zeros(2, 5))), "Linear", "[2, 5]", "[3, 4]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.Linear(Tensor.Zeros(2, 4), Tensor.Zeros(3, 4), Tensor.Zeros(4))), "Linear", "[4]", "[3]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.Linear(Tensor.Zeros(2, 2, 4), Tensor.Zeros(3, 4))), "Linear", "[2, 2, 4]");
    }

    [TestMethod]
    public void ReshapeWrongCountNamesBothShapes()
    {
        using var scope = TensorScope.Begin();
        AssertMentions(Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Reshape(4)), "Reshape", "[2, 3]", "[4]");
        AssertMentions(Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Reshape(4, -1)), "Reshape", "[2, 3]", "[4, -1]");
        AssertMentions(Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Reshape(-1, -1)), "Reshape", "[-1, -1]");
        Assert.Throws<ArgumentException>(() => Tensor.FromArray([1f, 2f, 3f], 2, 2));
    }

    [TestMethod]
    public void CrossEntropyTargetOutOfRangeNamesIndexAndValue()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(Tensor.Zeros(3, 4), [0, 2, 7]));
        AssertMentions(e, "CrossEntropy", "targets[2]", "7", "[0, 4)");
        var neg = Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(Tensor.Zeros(3, 4), [-1, 2, 3]));
        AssertMentions(neg, "targets[0]", "-1");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 4), [0, 1])), "CrossEntropy", "2 targets", "[3, 4]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 4, 1), [0, 1, 2])), "CrossEntropy", "[3, 4, 1]");
    }

    [TestMethod]
    public void OtherOpsRejectBadShapes()
    {
        using var scope = TensorScope.Begin();
        AssertMentions(Assert.Throws<ArgumentException>(() => F.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(3, 3)], 1)), "Concat", "[3, 3]", "[2, 3]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.MaxPool2d(Tensor.Zeros(2, 3, 4), (2, 2))), "MaxPool2d", "[2, 3, 4]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.BatchNorm2d(Tensor.Zeros(2, 3, 2, 2), Tensor.Zeros(4), Tensor.Ones(3), null, null, true)), "BatchNorm2d", "[4]", "[2, 3, 2, 2]");
        var bn = new BatchNorm2d(3);
        AssertMentions(Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros(2, 4, 2, 2))), "BatchNorm2d", "[2, 4, 2, 2]");
        AssertMentions(Assert.Throws<ArgumentException>(() => F.SoftmaxEntropy(Tensor.Zeros(5))), "SoftmaxEntropy", "[5]");
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Softmax(Tensor.Zeros(2, 3), 2));
    }
}
