using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace ClassyNet.MLNet.Deployment;

/// <summary>
/// Builds an ONNX graph (<see cref="GraphProto"/>) node by node: float initializers from host values, nodes with their
/// attributes, float inputs and outputs with a symbolic batch dimension, and unique value names.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The symbolic name of the batch dimension of every input and output.</summary>
    internal const string BatchDimension = "N";

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    internal OnnxGraphBuilder(string name)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; the exporter writes host floats as they are and needs a little-endian machine.");
        }

        _graph = new GraphProto { Name = name };
    }

    /// <summary>The graph built so far.</summary>
    internal GraphProto Graph => _graph;

    /// <summary>A value name not used yet, derived from <paramref name="hint"/>.</summary>
    internal string Fresh(string hint)
    {
        string name = hint;
        for (int i = 1; !_names.Add(name); i++)
        {
            name = $"{hint}_{i}";
        }

        return name;
    }

    /// <summary>Adds a float32 graph input [N, ...<paramref name="sampleShape"/>].</summary>
    internal string Input(string name, IReadOnlyList<long> sampleShape)
    {
        _graph.Input.Add(ValueInfo(Claim(name), sampleShape));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> a float32 graph output [N, ...<paramref name="sampleShape"/>].</summary>
    internal void Output(string value, IReadOnlyList<long> sampleShape) => _graph.Output.Add(ValueInfo(value, sampleShape));

    /// <summary>Adds a float32 initializer with the given dimensions; returns its (unique) name.</summary>
    internal string Initializer(string hint, ReadOnlySpan<float> values, IReadOnlyList<long> dims)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (count != values.Length)
        {
            throw new ArgumentException($"Initializer '{hint}' has {values.Length} values but dimensions [{string.Join(", ", dims)}] need {count}.", nameof(values));
        }

        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 initializer (e.g. the axes input of ReduceSum).</summary>
    internal string Int64Initializer(string hint, IReadOnlyList<long> values)
    {
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Count);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node with one output named after <paramref name="outputHint"/>; returns the output's name.</summary>
    internal string Node(string opType, string outputHint, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = Fresh(outputHint);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    internal static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    internal static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    internal static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private string Claim(string name) => _names.Add(name) ? name : throw new ArgumentException($"Value name '{name}' is already used in the graph.", nameof(name));

    private static ValueInfoProto ValueInfo(string name, IReadOnlyList<long> sampleShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        foreach (long d in sampleShape)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
