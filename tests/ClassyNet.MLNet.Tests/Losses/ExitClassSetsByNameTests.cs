using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Tests.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Losses;

/// <summary>
/// Exit class sets given by class name: the same sets as by index, errors that list the known names, and matching to a
/// text label's KeyValues by name whatever order MapValueToKey gave the keys (also after a model file round trip).
/// </summary>
[TestClass]
public sealed class ExitClassSetsByNameTests
{
    private static readonly string[] Animals = ["bird", "cat", "dog"];

    [TestMethod]
    public void NamedSetsAreTheIndexSetsOfTheirNames()
    {
        var names = FashionMnist.ClassNames;
        foreach (var (named, indexed) in new[]
        {
            (ExitClassSets.Incremental([["Ankle boot"], ["Bag"]], names), ExitClassSets.Incremental([[9], [8]], 10)),
            (ExitClassSets.MutuallyExclusive([["Ankle boot", "Sneaker"], ["Bag"]], names, bagOfClasses: false), ExitClassSets.MutuallyExclusive([[9, 7], [8]], 10, bagOfClasses: false)),
            (ExitClassSets.IncrementalFromSets([["Ankle boot"], ["Ankle boot", "Bag"]], names), ExitClassSets.IncrementalFromSets([[9], [9, 8]], 10)),
        })
        {
            Assert.AreEqual(indexed.Scheme, named.Scheme);
            Assert.AreEqual(indexed.BagOfClasses, named.BagOfClasses);
            CollectionAssert.AreEqual(indexed.OutputCounts(), named.OutputCounts());
            for (int m = 0; m < indexed.ExitCount; m++)
            {
                CollectionAssert.AreEqual(indexed.ClassesAt(m).ToArray(), named.ClassesAt(m).ToArray());
                CollectionAssert.AreEqual(indexed.ToExitLabels(m, [.. Enumerable.Range(0, 10)]), named.ToExitLabels(m, [.. Enumerable.Range(0, 10)]));
            }

            CollectionAssert.AreEqual(names.ToArray(), named.ClassNames!.ToArray());
            Assert.IsNull(indexed.ClassNames);
        }

        Assert.AreEqual("Incremental: E1 {Ankle boot} | E2 {Ankle boot, Bag} | E3 all", ExitClassSets.Incremental([["Ankle boot"], ["Bag"]], names).ToString());
    }

    [TestMethod]
    public void AMisspeltNameIsRefusedWithTheKnownNames()
    {
        var names = FashionMnist.ClassNames;
        var typo = Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.Incremental([["Ankle boot"], ["Bga"]], names));
        StringAssert.Contains(typo.Message, "addedAtEachExit[1] (exit 2) names class 'Bga', which is not one of the 10 class names: 'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'.");
        Assert.AreEqual("addedAtEachExit", typo.ParamName);
        var casing = Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.MutuallyExclusive([["ankle boot"]], names));
        StringAssert.Contains(casing.Message, "Did you mean 'Ankle boot'?");

        // The rules the sets break are told in names too.
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.MutuallyExclusive([["Bag", "Coat"], ["Bag"]], names)).Message, "share class(es) Bag");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.Incremental([["Bag"], ["Bag"]], names)).Message, "class Bag is added at exit 2");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.IncrementalFromSets([["Bag", "Coat"], ["Coat"]], names)).Message, "drops class(es) Bag of exit 1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ExitClassSets.Incremental([["cat"]], ["cat", "dog", "cat"])).Message, "classNames lists 'cat' twice");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExitClassSets.Incremental([["cat"]], ["cat"]));
    }

    [TestMethod]
    public void NamedSetsFollowTheTextLabelsKeysThroughMapBagOfClassesAndAModelFile()
    {
        var ml = new MLContext(seed: 1);
        string[] order = ["dog", "bird", "cat"];  // MapValueToKey (by occurrence): dog = 1, bird = 2, cat = 3
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 9).Select(i => new AnimalRow { Label = order[i % 3] }));
        var sets = ExitClassSets.Incremental([["cat"], ["bird"]], Animals);
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.ClassyNet.MapBagOfClasses(sets)).Fit(data);
        string[] columns = ["Label", "Label.Exit0", "Label.Exit1", "Label.Exit2"];
        var rows = ColumnValues.Read(model.Transform(data), columns);
        for (int i = 0; i < rows.Count; i++)
        {
            string animal = order[i % 3];
            Assert.AreEqual(animal == "cat" ? 1u : 2u, (uint)rows[i][1], $"row {i} ({animal}): exit 1 answers for cat, the rest is its bag");
            Assert.AreEqual(animal switch { "cat" => 1u, "bird" => 2u, _ => 3u }, (uint)rows[i][2], $"row {i} ({animal}): exit 2 answers for cat and bird");
            Assert.AreEqual((uint)rows[i][0], (uint)rows[i][3], "the final exit keeps the key");
        }

        using var dir = new TempDirectory();
        ml.Model.SaveClassyNet(model, data.Schema, dir.File("bag.zip"));
        var loaded = ml.Model.LoadClassyNet(dir.File("bag.zip"), out _);
        ColumnValues.AssertEqual(rows, ColumnValues.Read(loaded.Transform(data), columns), columns, "named sets after a round trip");

        // A name the label does not have is refused with the label's values; names no set uses may be missing.
        var emu = ExitClassSets.Incremental([["emu"]], ["bird", "cat", "dog", "emu"]);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.ClassyNet.MapBagOfClasses(emu)).Fit(data));
        StringAssert.Contains(error.Message, "uses class 'emu' at exit 1, which is not a value of label column 'Label' (its KeyValues are 'dog', 'bird', 'cat')");
        var extra = ExitClassSets.Incremental([["cat"], ["bird"]], ["bird", "cat", "dog", "emu"]);
        var same = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.ClassyNet.MapBagOfClasses(extra)).Fit(data);
        ColumnValues.AssertEqual(rows, ColumnValues.Read(same.Transform(data), columns), columns, "an unused extra name changes nothing");

        // A key without KeyValues has no names to match.
        var keys = new GeneratedDataView(4, 3, 2, i => 1 + (uint)(i % 3), (_, x) => x.Clear());
        var noNames = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.ClassyNet.MapBagOfClasses(ExitClassSets.Incremental([["cat"]], Animals)).Fit(keys));
        StringAssert.Contains(noNames.Message, "has no KeyValues to match them to");
    }

    private sealed class AnimalRow
    {
        public string Label { get; set; } = string.Empty;
    }
}
