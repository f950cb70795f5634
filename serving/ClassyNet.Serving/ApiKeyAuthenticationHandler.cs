using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ClassyNet.Serving.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassyNet.Serving;

/// <summary>
/// ASP.NET Core authentication by a shared API key in the <c>x-api-key</c> header (compared in constant time). A missing
/// or wrong key fails authentication, so endpoints that require authorization answer HTTP 401, which gRPC clients see
/// as UNAUTHENTICATED.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    internal const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(CloudPartHeaders.ApiKey, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            ServingLog.Unauthenticated(Logger, Request.Path, $"no {CloudPartHeaders.ApiKey} header");
            return Task.FromResult(AuthenticateResult.Fail($"missing {CloudPartHeaders.ApiKey} header"));
        }

        var given = Encoding.UTF8.GetBytes(values[0]!);
        if (!CryptographicOperations.FixedTimeEquals(given, Options.KeyBytes))
        {
            ServingLog.Unauthenticated(Logger, Request.Path, "wrong API key");
            return Task.FromResult(AuthenticateResult.Fail("wrong API key"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "edge")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
