namespace ClassyNet.Serving;

/// <summary>A model file (<c>classynet train</c>'s zip or a <c>ClassyNetModel</c> bundle) the service loads under an id.</summary>
/// <param name="Path">The model file.</param>
/// <param name="Id">The model id edges name in their requests (letters, digits, '.', '_', '-').</param>
public sealed record CloudModelFile(string Path, string Id);
