namespace ClassyNet.MLNet.Data;

/// <summary>Parses field text; false when it is not a valid value.</summary>
internal delegate bool Parse<T>(string text, out T value);
