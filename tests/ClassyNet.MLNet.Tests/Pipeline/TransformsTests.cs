using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class TransformsTests
{
    private static readonly MLContext Ml = new(seed: 1);

    [TestMethod]
    public void MapValueToKeyConformsAndFollowsMlNetKeyRules()
    {
        var data = Ml.Data.LoadFromEnumerable(Samples());
        var estimator = Ml.Transforms.Conversion.MapValueToKey("Label");
        var model = EstimatorConformance.Check(estimator, data);
        var output = model.Transform(data);
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 3), output.Schema["Label"].Type);
        VBuffer<float> keyValues = default;
        output.Schema["Label"].GetKeyValues(ref keyValues);
        CollectionAssert.AreEqual(new[] { 2f, 0f, 1f }, keyValues.DenseValues().ToArray(), "keys by occurrence");
        CollectionAssert.AreEqual(new uint[] { 1, 2, 3, 1, 0, 2 }, Keys(output, "Label"), "NaN is missing (key 0)");

        var unseen = Ml.Data.LoadFromEnumerable(new[] { new Sample { Label = 7, Color = "x", Features = new float[4] } });
        CollectionAssert.AreEqual(new uint[] { 0 }, Keys(model.Transform(unseen), "Label"), "a value not seen when fitting maps to key 0, as in ML.NET");

        var byValue = Ml.Transforms.Conversion.MapValueToKey("Key", "Color", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue, maximumNumberOfKeys: 2);
        var colors = EstimatorConformance.Check(byValue, data).Transform(data);
        VBuffer<ReadOnlyMemory<char>> names = default;
        colors.Schema["Key"].GetKeyValues(ref names);
        CollectionAssert.AreEqual(new[] { "blue", "red" }, names.DenseValues().Select(n => n.ToString()).ToArray(), "the first two values seen, sorted");
        CollectionAssert.AreEqual(new uint[] { 2, 1, 0, 2, 1, 0 }, Keys(colors, "Key"), "values past maximumNumberOfKeys are missing");

        var asText = Ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label", addKeyValueAnnotationsAsText: true);
        var text = EstimatorConformance.Check(asText, data).Transform(data);
        text.Schema["LabelKey"].GetKeyValues(ref names);
        CollectionAssert.AreEqual(new[] { "2", "0", "1" }, names.DenseValues().Select(n => n.ToString()).ToArray());

        var vector = Ml.Transforms.Conversion.MapValueToKey("FeatureKeys", "Features");
        var vectorModel = EstimatorConformance.Check(vector, data);
        Assert.AreEqual(new VectorDataViewType(new KeyDataViewType(typeof(uint), 7), 2, 2), vectorModel.GetOutputSchema(data.Schema)["FeatureKeys"].Type);
    }

    [TestMethod]
    public void MapKeyToValueInvertsMapValueToKey()
    {
        var data = Ml.Data.LoadFromEnumerable(Samples());
        var keyed = Ml.Transforms.Conversion.MapValueToKey("Label").Append(Ml.Transforms.Conversion.MapValueToKey("Color")).Fit(data).Transform(data);
        var estimator = Ml.Transforms.Conversion.MapKeyToValue("LabelValue", "Label");
        var output = EstimatorConformance.Check(estimator, keyed).Transform(keyed);
        Assert.AreEqual(NumberDataViewType.Single, output.Schema["LabelValue"].Type);
        var values = Ml.Data.CreateEnumerable<LabelValueRow>(output, reuseRowObject: false).Select(r => r.LabelValue).ToArray();
        CollectionAssert.AreEqual(new[] { 2f, 0f, 1f, 2f, float.NaN, 0f }, values, "key 0 maps back to NaN");

        var text = EstimatorConformance.Check(Ml.Transforms.Conversion.MapKeyToValue("Color"), keyed).Transform(keyed);
        Assert.AreEqual(TextDataViewType.Instance, text.Schema["Color"].Type);
        CollectionAssert.AreEqual(Samples().Select(s => s.Color).ToArray(), Ml.Data.CreateEnumerable<ColorRow>(text, reuseRowObject: false).Select(r => r.Color).ToArray());

        var plain = Ml.Data.LoadFromEnumerable(Samples());
        EstimatorConformance.CheckInvalidInput(estimator, estimator.Fit(keyed), plain, "Label");
    }

    [TestMethod]
    public void NormalizeMinMaxFollowsMlNetFormulas()
    {
        var data = Ml.Data.LoadFromEnumerable(Samples());
        var fixZero = EstimatorConformance.Check(Ml.Transforms.NormalizeMinMax("Features"), data);
        Assert.AreEqual(1 / 4f, fixZero.GetScales(0)[0], "slot 0 spans [-2, 4]: 1 / max(|min|, |max|)");
        Assert.AreEqual(0f, fixZero.GetOffsets(0)[0]);
        Assert.AreEqual(0f, fixZero.GetScales(0)[3], "a constant slot maps to 0");
        var output = fixZero.Transform(data);
        Assert.IsTrue(output.Schema["Features"].Annotations.Schema.GetColumnOrNull(AnnotationKinds.IsNormalized).HasValue);
        var first = Ml.Data.CreateEnumerable<Sample>(output, reuseRowObject: false).First().Features;
        CollectionAssert.AreEqual(new[] { -2f / 4, 1f / 3, 0.5f, 0f }, first);

        var range = EstimatorConformance.Check(Ml.Transforms.NormalizeMinMax("Scaled", "Features", fixZero: false), data);
        Assert.AreEqual(1 / 6f, range.GetScales(0)[0]);
        Assert.AreEqual(-2f, range.GetOffsets(0)[0]);

        var scalar = EstimatorConformance.Check(Ml.Transforms.NormalizeMinMax("Label"), data);
        Assert.AreEqual(0.5f, scalar.GetScales(0)[0], "NaN is left out of the statistics");

        var bad = Ml.Data.LoadFromEnumerable(new[] { new WrongFeatures() });
        var estimator = Ml.Transforms.NormalizeMinMax("Features");
        EstimatorConformance.CheckInvalidInput(estimator, fixZero, Ml.Data.LoadFromEnumerable(new[] { new LabelValueRow() }), "Features");
        var mistyped = Ml.Data.LoadFromEnumerable(new[] { new TextFeatures() });
        EstimatorConformance.CheckInvalidInput(estimator, fixZero, mistyped, "Features");
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => fixZero.Transform(bad));
        StringAssert.Contains(e.Message, "'Features'");
    }

    [TestMethod]
    public void NormalizeMeanVarianceFollowsMlNetFormulas()
    {
        var data = Ml.Data.LoadFromEnumerable(Samples());
        var slot0 = Samples().Select(s => (double)s.Features[0]).ToArray();
        double mean = slot0.Average();
        double meanSquare = slot0.Select(v => v * v).Average();
        double sampleStd = Math.Sqrt(slot0.Select(v => (v - mean) * (v - mean)).Sum() / (slot0.Length - 1));

        var fixZero = EstimatorConformance.Check(Ml.Transforms.NormalizeMeanVariance("Features"), data);
        Assert.AreEqual((float)(1 / Math.Sqrt(meanSquare)), fixZero.GetScales(0)[0], 1e-6f);
        Assert.AreEqual(0f, fixZero.GetOffsets(0)[0]);
        var centred = EstimatorConformance.Check(Ml.Transforms.NormalizeMeanVariance("Features", fixZero: false), data);
        Assert.AreEqual((float)(1 / sampleStd), centred.GetScales(0)[0], 1e-6f);
        Assert.AreEqual((float)mean, centred.GetOffsets(0)[0], 1e-6f);
        Assert.AreEqual(0f, centred.GetScales(0)[3]);
    }

    [TestMethod]
    public void CopyColumnsAndConcatenate()
    {
        var data = Ml.Data.LoadFromEnumerable(Samples());
        var copied = EstimatorConformance.Check(Ml.Transforms.CopyColumns(new InputOutputColumnPair("Copy", "Features"), new InputOutputColumnPair("Label2", "Label")), data).Transform(data);
        Assert.AreEqual(data.Schema["Features"].Type, copied.Schema["Copy"].Type);
        CollectionAssert.AreEqual(
            ViewReader.ReadAll(data).Select(r => r.First(v => v.StartsWith("Features=", StringComparison.Ordinal))[9..]).ToArray(),
            ViewReader.ReadAll(copied).Select(r => r.First(v => v.StartsWith("Copy=", StringComparison.Ordinal))[5..]).ToArray());
        EstimatorConformance.CheckInvalidInput(Ml.Transforms.CopyColumns("X", "Nope"), Ml.Transforms.CopyColumns("X", "Nope").Fit(Ml.Data.LoadFromEnumerable(new[] { new NopeRow() })), data, "Nope");

        var concat = Ml.Transforms.Concatenate("All", "Label", "Features", "Label");
        var output = EstimatorConformance.Check(concat, data).Transform(data);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 6), output.Schema["All"].Type);
        Assert.IsTrue(output.Schema["All"].HasSlotNames() == false, "Features has no slot names");
        var rows = Ml.Data.CreateEnumerable<AllRow>(output, reuseRowObject: false).ToArray();
        CollectionAssert.AreEqual(new[] { 2f, -2f, 1f, 2f, 5f, 2f }, rows[0].All);

        var scalars = EstimatorConformance.Check(Ml.Transforms.Concatenate("Pair", "Label", "Label"), data).Transform(data);
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        scalars.Schema["Pair"].GetSlotNames(ref slotNames);
        CollectionAssert.AreEqual(new[] { "Label", "Label" }, slotNames.DenseValues().Select(s => s.ToString()).ToArray());
        var mixed = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.Concatenate("X", "Label", "Color").Fit(data));
        StringAssert.Contains(mixed.Message, "'Color'");
    }

    internal static Sample[] Samples() =>
    [
        new() { Label = 2, Color = "red", Features = [-2, 1, 2, 5] },
        new() { Label = 0, Color = "blue", Features = [4, 3, 4, 5] },
        new() { Label = 1, Color = "green", Features = [1, 2, 3, 5] },
        new() { Label = 2, Color = "red", Features = [0, 0, 0, 5] },
        new() { Label = float.NaN, Color = "blue", Features = [3, 1, 1, 5] },
        new() { Label = 0, Color = "green", Features = [2, 2, 2, 5] },
    ];

    private static uint[] Keys(IDataView view, string column)
    {
        var result = new List<uint>();
        using var cursor = view.GetRowCursor([view.Schema[column]]);
        var getter = cursor.GetGetter<uint>(view.Schema[column]);
        uint v = 0;
        while (cursor.MoveNext())
        {
            getter(ref v);
            result.Add(v);
        }

        return [.. result];
    }

    internal sealed class Sample
    {
        public float Label { get; set; }

        public string Color { get; set; } = string.Empty;

        [VectorType(2, 2)]
        public float[] Features { get; set; } = [];
    }

    private sealed class LabelValueRow
    {
        public float LabelValue { get; set; }
    }

    private sealed class ColorRow
    {
        public string Color { get; set; } = string.Empty;
    }

    private sealed class AllRow
    {
        public float[] All { get; set; } = [];
    }

    private sealed class WrongFeatures
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [1, 2, 3];
    }

    private sealed class TextFeatures
    {
        public string Features { get; set; } = "x";
    }

    private sealed class NopeRow
    {
        public float Nope { get; set; }
    }
}
