using Microsoft.AspNetCore.Authentication;

namespace ClassyNet.Serving;

/// <summary>The key <see cref="ApiKeyAuthenticationHandler"/> accepts.</summary>
internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>UTF-8 bytes of the API key.</summary>
    public byte[] KeyBytes { get; set; } = [];
}
