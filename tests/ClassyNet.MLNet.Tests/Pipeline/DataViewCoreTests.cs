using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class DataViewCoreTests
{
    [TestMethod]
    public void TypesCompareByValueAndPrintLikeMlNet()
    {
        Assert.AreEqual(typeof(float), NumberDataViewType.Single.RawType);
        Assert.AreEqual("Single", NumberDataViewType.Single.ToString());
        Assert.AreEqual(typeof(ReadOnlyMemory<char>), TextDataViewType.Instance.RawType);
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 10), new KeyDataViewType(typeof(uint), 10UL));
        Assert.AreNotEqual(new KeyDataViewType(typeof(uint), 10), new KeyDataViewType(typeof(uint), 9));
        Assert.AreEqual("Key<UInt32, 0-9>", new KeyDataViewType(typeof(uint), 10).ToString());
        Assert.ThrowsExactly<ArgumentException>(() => new KeyDataViewType(typeof(int), 3));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new KeyDataViewType(typeof(uint), 0));

        var image = new VectorDataViewType(NumberDataViewType.Single, 1, 28, 28);
        Assert.AreEqual(784, image.Size);
        Assert.IsTrue(image.IsKnownSize);
        Assert.AreEqual(typeof(VBuffer<float>), image.RawType);
        Assert.AreEqual("Vector<Single, 1, 28, 28>", image.ToString());
        Assert.AreEqual(image, new VectorDataViewType(NumberDataViewType.Single, 1, 28, 28));
        Assert.AreNotEqual(image, new VectorDataViewType(NumberDataViewType.Single, 784));
        var variable = new VectorDataViewType(NumberDataViewType.Single);
        Assert.IsFalse(variable.IsKnownSize);
        Assert.AreEqual(0, variable.Size);
    }

    [TestMethod]
    public void VBufferDenseSparseAndEditorReuse()
    {
        var dense = new VBuffer<float>(3, [1f, 2f, 3f, 99f]);
        Assert.IsTrue(dense.IsDense);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, dense.GetValues().ToArray());
        var sparse = new VBuffer<float>(5, 2, [7f, 8f], [1, 3]);
        Assert.IsFalse(sparse.IsDense);
        CollectionAssert.AreEqual(new[] { 0f, 7f, 0f, 8f, 0f }, sparse.DenseValues().ToArray());
        Assert.AreEqual(8f, sparse.GetItemOrDefault(3));
        Assert.AreEqual(0f, sparse.GetItemOrDefault(4));

        VBuffer<float> destination = default;
        sparse.CopyToDense(ref destination);
        CollectionAssert.AreEqual(new[] { 0f, 7f, 0f, 8f, 0f }, destination.GetValues().ToArray());
        var editor = VBufferEditor.Create(ref destination, 4);
        Assert.IsFalse(editor.CreatedNewValues, "a large enough buffer is reused");
        editor.Values.Fill(1f);
        destination = editor.Commit();
        Assert.AreEqual(4, destination.Length);
        Assert.ThrowsExactly<ArgumentException>(() => new VBuffer<float>(3, 2, [1f, 2f], [2, 1]));
    }

    [TestMethod]
    public void SchemaLookupHidesEarlierColumnsAndNamesMissingOnes()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", NumberDataViewType.Single);
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 2));
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), 3));
        var schema = builder.ToSchema();
        Assert.AreEqual(3, schema.Count);
        Assert.IsTrue(schema[0].IsHidden);
        Assert.AreEqual(2, schema["Label"].Index);
        Assert.IsNull(schema.GetColumnOrNull("Nope"));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => schema["Nope"]);
        StringAssert.Contains(e.Message, "'Nope'");
        StringAssert.Contains(e.Message, "'Features'");
    }

    [TestMethod]
    public void AnnotationsCarryKeyValuesAndSlotNames()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        ReadOnlyMemory<char>[] names = ["cat".AsMemory(), "dog".AsMemory()];
        annotations.AddKeyValues(2, TextDataViewType.Instance, (ref VBuffer<ReadOnlyMemory<char>> v) => new VBuffer<ReadOnlyMemory<char>>(2, names).CopyTo(ref v));
        annotations.AddSlotNames(2, (ref VBuffer<ReadOnlyMemory<char>> v) => new VBuffer<ReadOnlyMemory<char>>(2, names).CopyTo(ref v));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), 2), annotations.ToAnnotations());
        builder.AddColumn("Plain", NumberDataViewType.Single);
        var schema = builder.ToSchema();

        Assert.IsTrue(schema["Label"].HasKeyValues());
        Assert.IsTrue(schema["Label"].HasSlotNames());
        VBuffer<ReadOnlyMemory<char>> keys = default;
        schema["Label"].GetKeyValues(ref keys);
        CollectionAssert.AreEqual(new[] { "cat", "dog" }, keys.DenseValues().Select(m => m.ToString()).ToArray());
        Assert.IsFalse(schema["Plain"].HasKeyValues());
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => schema["Plain"].GetKeyValues(ref keys));
        StringAssert.Contains(e.Message, "KeyValues");
        VBuffer<float> wrong = default;
        Assert.ThrowsExactly<InvalidOperationException>(() => schema["Label"].GetKeyValues(ref wrong));
    }

    [TestMethod]
    public void ColumnRequirementNamesColumnFoundAndExpectedTypes()
    {
        var schema = DataViewSchema.Create(("Features", new VectorDataViewType(NumberDataViewType.Single, 3, 32, 32)), ("Label", NumberDataViewType.Single));
        Assert.AreEqual(0, ColumnRequirement.Vector("Features", NumberDataViewType.Single, 3072).Bind(schema).Index);
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ColumnRequirement.Scalar("Weight", NumberDataViewType.Single).Bind(schema));
        StringAssert.Contains(missing.Message, "'Weight'");
        var size = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ColumnRequirement.Vector("Features", NumberDataViewType.Single, 784).Bind(schema));
        StringAssert.Contains(size.Message, "'Features'");
        StringAssert.Contains(size.Message, "Vector<Single, 784>");
        StringAssert.Contains(size.Message, "Vector<Single, 3, 32, 32>");
        var type = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ColumnRequirement.Key("Label").Bind(SchemaShape.Create(schema)));
        StringAssert.Contains(type.Message, "'Label'");
        StringAssert.Contains(type.Message, "Single");
    }

    [TestMethod]
    public void SchemaShapeDescribesKindsKeysAndAnnotations()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.AddKeyValues(2, NumberDataViewType.Single, (ref VBuffer<float> v) => new VBuffer<float>(2, [3f, 5f]).CopyTo(ref v));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), 2), annotations.ToAnnotations());
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 4));
        builder.AddColumn("Tokens", new VectorDataViewType(TextDataViewType.Instance));
        var shape = SchemaShape.Create(builder.ToSchema());
        Assert.IsTrue(shape.TryFindColumn("Label", out var label));
        Assert.IsTrue(label.IsKey);
        Assert.IsTrue(label.HasKeyValues);
        Assert.AreEqual(SchemaShape.VectorKind.Scalar, label.Kind);
        Assert.AreEqual(SchemaShape.VectorKind.Vector, shape.GetColumnOrNull("Features")!.Value.Kind);
        Assert.AreEqual(SchemaShape.VectorKind.VariableVector, shape.GetColumnOrNull("Tokens")!.Value.Kind);
        Assert.IsTrue(new SchemaShape.Column("Label", SchemaShape.VectorKind.Scalar, new KeyDataViewType(typeof(uint), 7), true).IsCompatibleWith(label));
    }

    [TestMethod]
    public void ContextLogsInMlNetFormatAndSeedsRepeat()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        ml.WriteLog("Test", ChannelMessageKind.Warning, "hello");
        CollectionAssert.AreEqual(new[] { "[Source=Test, Kind=Warning] hello" }, messages);
        Assert.AreEqual(new MLContext(seed: 1).NextSeed(), new MLContext(seed: 1).NextSeed());
        Assert.AreSame(ml, ml.Transforms.Conversion.Context);
        Assert.AreSame(ml, ml.MulticlassClassification.Trainers.Context);
        Assert.AreSame(ml, ml.Model.Context);
    }
}
