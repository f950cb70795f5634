namespace ClassyNet.MLNet.Data;

/// <summary>Copies <paramref name="source"/> into <paramref name="destination"/>.</summary>
internal delegate void CopyValue<T>(in T source, ref T destination);
