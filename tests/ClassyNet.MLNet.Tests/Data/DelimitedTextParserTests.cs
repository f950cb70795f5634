using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Data;

[TestClass]
public sealed class DelimitedTextParserTests
{
    [TestMethod]
    public void DefaultsSplitOnTabsWithoutQuotingAndSkipEmptyLines()
    {
        var parser = new DelimitedTextParser();
        Assert.AreEqual('\t', parser.Separator);
        Assert.IsFalse(parser.AllowQuoting);
        Assert.IsFalse(parser.TrimWhitespace);

        var records = Parse(parser, "a\tb\tc\n\n1\t\"x\ty\"\t 3 \r\n\r\nlast\t\n");
        Assert.HasCount(3, records);
        Assert.AreEqual(1, records[0].LineNumber);
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, records[0].Fields);
        Assert.AreEqual(3, records[1].LineNumber, "empty lines are skipped but counted");
        CollectionAssert.AreEqual(new[] { "1", "\"x", "y\"", " 3 " }, records[1].Fields, "without quoting, quotes are ordinary characters and the separator splits inside them");
        Assert.AreEqual(5, records[2].LineNumber);
        CollectionAssert.AreEqual(new[] { "last", string.Empty }, records[2].Fields, "a trailing separator ends with an empty field");
        CollectionAssert.AreEqual(new[] { " ", " " }, Parse(parser, " \t ")[0].Fields, "whitespace-only lines are kept when not trimming");
        Assert.IsEmpty(Parse(parser, string.Empty));
    }

    [TestMethod]
    public void QuotedFieldsFollowRfc4180()
    {
        var parser = new DelimitedTextParser(',', allowQuoting: true);
        var records = Parse(parser, "\"a,b\",\"say \"\"hi\"\"\",plain\n\"\",x\"y\"z,\"\"\"\"\n,,\n");
        CollectionAssert.AreEqual(new[] { "a,b", "say \"hi\"", "plain" }, records[0].Fields);
        CollectionAssert.AreEqual(new[] { string.Empty, "x\"y\"z", "\"" }, records[1].Fields, "a quote inside an unquoted field is literal");
        CollectionAssert.AreEqual(new[] { string.Empty, string.Empty, string.Empty }, records[2].Fields);
        CollectionAssert.AreEqual(new[] { " \"a\"", "b" }, Parse(parser, " \"a\",b")[0].Fields, "without trimming a field starting with a space is not quoted");
        CollectionAssert.AreEqual(new[] { "a", "b," }, Parse(parser, "a,\"b,\"")[0].Fields);
    }

    [TestMethod]
    public void TrimmingRemovesWhitespaceAroundFieldsButNotInsideQuotes()
    {
        var parser = new DelimitedTextParser(',', allowQuoting: true, trimWhitespace: true);
        var records = Parse(parser, "  a , b\t,  \" c \"  ,\n   \n\t\nx");
        Assert.HasCount(2, records, "whitespace-only lines are skipped when trimming");
        CollectionAssert.AreEqual(new[] { "a", "b", " c ", string.Empty }, records[0].Fields);
        Assert.AreEqual(4, records[1].LineNumber);

        var tabs = new DelimitedTextParser('\t', trimWhitespace: true);
        CollectionAssert.AreEqual(new[] { "a", string.Empty, "b" }, Parse(tabs, " a \t\t b ")[0].Fields, "the separator is not trimmed away even when it is whitespace");
    }

    [TestMethod]
    public void MalformedQuotesNameSourceLineAndColumn()
    {
        var parser = new DelimitedTextParser(',', allowQuoting: true);
        var unterminated = Assert.ThrowsExactly<InvalidDataException>(() => Parse(parser, "ok,1\n\nx,\"multi\nline\",2"));
        StringAssert.Contains(unterminated.Message, "'data.csv' line 3, column 3");
        StringAssert.Contains(unterminated.Message, "no closing quote");
        StringAssert.Contains(unterminated.Message, "cannot span lines");

        var after = Assert.ThrowsExactly<InvalidDataException>(() => Parse(parser, "\"ab\"c,d"));
        StringAssert.Contains(after.Message, "'data.csv' line 1, column 5");
        StringAssert.Contains(after.Message, "'c' follows the closing quote of the field that starts at column 1");
        StringAssert.Contains(after.Message, "','");

        var afterTrimmed = Assert.ThrowsExactly<InvalidDataException>(() => Parse(new DelimitedTextParser(';', true, true), "a; \"b\" x;c"));
        StringAssert.Contains(afterTrimmed.Message, "line 1, column 8");

        Assert.ThrowsExactly<InvalidDataException>(() => Parse(parser, "\"abc"));
        Assert.ThrowsExactly<InvalidDataException>(() => Parse(parser, "\"a\"\""), "a doubled quote at the end leaves the field open");
    }

    [TestMethod]
    public void ParsingStreamsLineByLine()
    {
        var parser = new DelimitedTextParser(',', allowQuoting: true);
        using var reader = new StringReader("a,b\n\"bad\nc,d\n");
        using var records = parser.Parse(reader, "stream").GetEnumerator();
        Assert.IsTrue(records.MoveNext());
        CollectionAssert.AreEqual(new[] { "a", "b" }, records.Current.Fields);
        Assert.AreEqual("\"bad", reader.ReadLine(), "the parser has not read past the line it yielded");
        Assert.IsTrue(records.MoveNext());
        CollectionAssert.AreEqual(new[] { "c", "d" }, records.Current.Fields);
        Assert.IsFalse(records.MoveNext());
    }

    [TestMethod]
    public void ArgumentsAreCheckedEagerly()
    {
        var parser = new DelimitedTextParser();
        Assert.ThrowsExactly<ArgumentNullException>(() => parser.Parse(null!, "x"));
        Assert.ThrowsExactly<ArgumentNullException>(() => parser.Parse(new StringReader(string.Empty), null!));
        Assert.ThrowsExactly<ArgumentException>(() => new DelimitedTextParser('"', allowQuoting: true));
        Assert.ThrowsExactly<ArgumentException>(() => new DelimitedTextParser('\n'));
        Assert.AreEqual('"', new DelimitedTextParser('"').Separator, "a quote separator is fine without quoting");
        Assert.IsNull(parser.ParseLine(string.Empty, 1, "x"));
        CollectionAssert.AreEqual(new[] { "p", "q" }, parser.ParseLine("p\tq", 7, "x")!.Fields);
        Assert.AreEqual(7, parser.ParseLine("p\tq", 7, "x")!.LineNumber);
    }

    [TestMethod]
    public void FieldCountCheckNamesLineAndCounts()
    {
        var parser = new DelimitedTextParser();
        var records = Parse(parser, "a\tb\tc\n1\t2\nonly,commas,here");
        parser.CheckFieldCount(records[0], 3, "data.tsv");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => parser.CheckFieldCount(records[1], 3, "data.tsv"));
        Assert.AreEqual("'data.tsv' line 2 has 2 fields, expected 3.", e.Message);
        var single = Assert.ThrowsExactly<InvalidDataException>(() => parser.CheckFieldCount(records[2], 3, "data.tsv"));
        StringAssert.Contains(single.Message, "line 3 has 1 field, expected 3");
        StringAssert.Contains(single.Message, "no tab ('\\t') separator");
    }

    [TestMethod]
    public void ReadsAFileWrittenToDisk()
    {
        using var dir = new TempDirectory();
        string path = dir.File("iris.csv");
        File.WriteAllText(path, "sepal,petal,label\r\n5.1,1.4,\"Iris setosa\"\r\n6.2,4.5,\"Iris, versicolor\"\r\n");
        var parser = new DelimitedTextParser(',', allowQuoting: true);
        using var reader = new StreamReader(path);
        var records = parser.Parse(reader, path).ToList();
        Assert.HasCount(3, records);
        records.ForEach(r => parser.CheckFieldCount(r, 3, path));
        Assert.AreEqual("Iris, versicolor", records[2].Fields[2]);
    }

    private static List<TextRecord> Parse(DelimitedTextParser parser, string text) =>
        parser.Parse(new StringReader(text), "data.csv").ToList();
}
