using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tests.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Images;

/// <summary>
/// How the trainer sizes an image network: from the features' [C, H, W] dimensions, from
/// <see cref="ClassyNetTrainer.Options.ImageShape"/> for a flat vector (the same network either way), and what it says
/// when it cannot.
/// </summary>
[TestClass]
public sealed class ImageFeatureSizingTests
{
    private const int Count = 24;

    [TestMethod]
    public void AFlatVectorWithoutImageShapeNamesTheColumnItsTypeAndTheOption()
    {
        var ml = new MLContext(seed: 1);
        var flat = Keyed(ml, ml.Data.LoadFromEnumerable(Rows<FlatRow>()));
        var trainer = ml.MulticlassClassification.Trainers.BranchyNet(architecture: NetworkSpec.ResNet(8, [3, 5, 8]), epochs: 1);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(flat));
        StringAssert.Contains(error.Message, "features column 'Features': expected image features [C, H, W] to size the resnet from, got Vector<Single, 48>. A flat vector has no image shape");
        StringAssert.Contains(error.Message, "ClassyNetTrainer.Options.ImageShape");

        // An MLP needs no image shape: it is sized from the vector's length.
        var mlp = ml.MulticlassClassification.Trainers.BranchyNet(architecture: NetworkSpec.Mlp(widths: [8, 8]), epochs: 1).Fit(flat);
        CollectionAssert.AreEqual(new[] { 48 }, mlp.Model.InputShape.ToArray());
    }

    [TestMethod]
    public void ImageShapeMakesAFlatVectorTheSameImageAsDeclaredDimensions()
    {
        var ml = new MLContext(seed: 1);
        var declared = Keyed(ml, ml.Data.LoadFromEnumerable(Rows<ImageRow>()));
        var flat = Keyed(ml, ml.Data.LoadFromEnumerable(Rows<FlatRow>()));
        var fromDimensions = ml.MulticlassClassification.Trainers.BranchyNet(Options()).Fit(declared);
        var options = Options();
        options.ImageShape = [3, 4, 4];
        var fromOption = ml.MulticlassClassification.Trainers.BranchyNet(options).Fit(flat);

        Assert.AreEqual("resnet-8 exits after layers [3, 5, 8] on [3, 4, 4], 2 classes", fromDimensions.Model.Spec.ToString());
        Assert.AreEqual(fromDimensions.Model.Spec.ToJson(), fromOption.Model.Spec.ToJson());
        string[] outputs = ["Score", "ExitIndex", "PredictedLabel"];
        ColumnValues.AssertEqual(ColumnValues.Read(fromDimensions.Transform(declared), outputs), ColumnValues.Read(fromOption.Transform(flat), outputs), outputs, "same seed, same network, same scores");
    }

    [TestMethod]
    public void AnImageShapeThatDoesNotFitTheColumnIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var flat = Keyed(ml, ml.Data.LoadFromEnumerable(Rows<FlatRow>()));
        var declared = Keyed(ml, ml.Data.LoadFromEnumerable(Rows<ImageRow>()));
        foreach (var (data, shape, message) in new (IDataView, int[], string)[]
        {
            (flat, [3, 5, 5], "ImageShape [3, 5, 5] (75 values) does not fit features column 'Features' (Vector<Single, 48>)"),
            (flat, [3, 16], "ImageShape [3, 16] must be [C, H, W] with positive dimensions"),
            (declared, [1, 4, 12], "ImageShape [1, 4, 12] (48 values) does not fit features column 'Features' (Vector<Single, 3, 4, 4>)"),
        })
        {
            var options = Options();
            options.ImageShape = shape;
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.BranchyNet(options).Fit(data));
            StringAssert.Contains(error.Message, message);
            Assert.AreEqual("options.ImageShape", error.ParamName);
        }
    }

    [TestMethod]
    public void ImagesThatAreNotSquareAskForAResizeOrAnotherArchitecture()
    {
        var ml = new MLContext(seed: 1);
        var wide = Keyed(ml, ml.Data.LoadFromEnumerable(Rows<WideRow>(size: 96)));
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.BranchyNet(epochs: 1).Fit(wide));
        StringAssert.Contains(error.Message, "features column 'Features': expected square images [C, H, H] with H >= 4 for the default architecture (ResNet-20), got Vector<Single, 3, 4, 8> read as [3, 4, 8]");
        StringAssert.Contains(error.Message, "ResizeImages(imageWidth: N, imageHeight: N)");
        StringAssert.Contains(error.Message, "interleavePixelColors");
    }

    private static ClassyNetTrainer.Options Options() => new()
    {
        Architecture = NetworkSpec.ResNet(8, [3, 5, 8]),
        Epochs = 2,
        BatchSize = 8,
        Seed = 3,
    };

    private static IDataView Keyed(MLContext ml, IDataView data) => ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);

    /// <summary>Two classes: the first channel bright for class 1, dark for class 0.</summary>
    private static IEnumerable<T> Rows<T>(int size = 48)
        where T : IRow, new()
    {
        var random = new Random(7);
        for (int i = 0; i < Count; i++)
        {
            var x = new float[size];
            for (int j = 0; j < x.Length; j++)
            {
                x[j] = (float)random.NextDouble() * 0.2f + (i % 2 == 1 && j < 16 ? 0.8f : 0f);
            }

            yield return new T { Label = i % 2, Features = x };
        }
    }

    private interface IRow
    {
        float Label { get; set; }

        float[] Features { get; set; }
    }

    private sealed class FlatRow : IRow
    {
        public float Label { get; set; }

        [VectorType(48)]
        public float[] Features { get; set; } = [];
    }

    private sealed class ImageRow : IRow
    {
        public float Label { get; set; }

        [VectorType(3, 4, 4)]
        public float[] Features { get; set; } = [];
    }

    private sealed class WideRow : IRow
    {
        public float Label { get; set; }

        [VectorType(3, 4, 8)]
        public float[] Features { get; set; } = [];
    }
}
