namespace ClassyNet.Serving;

/// <summary>Body of <c>POST /admin/models</c>: a model file on the service's machine and the id to serve it under.</summary>
public sealed class LoadModelRequest
{
    /// <summary>Path of the model file, as the service sees it.</summary>
    public string? Path { get; set; }

    /// <summary>The model id.</summary>
    public string? Id { get; set; }
}
