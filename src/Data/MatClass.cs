namespace ClassyNet.MLNet.Data;

/// <summary>The numeric MATLAB array classes <see cref="MatFile"/> reads (the mxCLASS codes of the level-5 format).</summary>
public enum MatClass
{
    /// <summary>mxDOUBLE_CLASS: <see cref="double"/> values.</summary>
    Double = 6,

    /// <summary>mxSINGLE_CLASS: <see cref="float"/> values.</summary>
    Single = 7,

    /// <summary>mxINT8_CLASS: <see cref="sbyte"/> values.</summary>
    Int8 = 8,

    /// <summary>mxUINT8_CLASS: <see cref="byte"/> values (also MATLAB logical arrays).</summary>
    UInt8 = 9,

    /// <summary>mxINT16_CLASS: <see cref="short"/> values.</summary>
    Int16 = 10,

    /// <summary>mxUINT16_CLASS: <see cref="ushort"/> values.</summary>
    UInt16 = 11,

    /// <summary>mxINT32_CLASS: <see cref="int"/> values.</summary>
    Int32 = 12,

    /// <summary>mxUINT32_CLASS: <see cref="uint"/> values.</summary>
    UInt32 = 13,

    /// <summary>mxINT64_CLASS: <see cref="long"/> values.</summary>
    Int64 = 14,

    /// <summary>mxUINT64_CLASS: <see cref="ulong"/> values.</summary>
    UInt64 = 15,
}
