namespace ClassyNet.Serving.Protocol;

/// <summary>Request headers of the cloud-part service (one definition for the service and its clients).</summary>
public static class CloudPartHeaders
{
    /// <summary>The header carrying the API key (gRPC metadata key and HTTP header name).</summary>
    public const string ApiKey = "x-api-key";
}
