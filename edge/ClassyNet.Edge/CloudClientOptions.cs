namespace ClassyNet.Edge;

/// <summary>How <see cref="CloudPartClient"/> reaches the cloud-part service and how hard it tries.</summary>
public sealed class CloudClientOptions
{
    /// <summary>The service's address, e.g. <c>http://127.0.0.1:5005</c> (HTTP/2 without TLS on loopback, or https). Required.</summary>
    public required Uri Address { get; init; }

    /// <summary>The API key sent in the <c>x-api-key</c> header. Required.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Deadline of one attempt (connect, send, cloud inference and answer). Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per request before its samples are reported unavailable. Default 4.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Wait before the second attempt; each further wait is <see cref="BackoffMultiplier"/> times longer. Default 100 ms.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Growth of the wait between attempts. Default 2.</summary>
    public double BackoffMultiplier { get; init; } = 2;

    /// <summary>Longest wait between attempts. Default 2 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Most samples per request; larger batches are sent as several requests. Default 256.</summary>
    public int MaxSamplesPerRequest { get; init; } = 256;

    /// <summary>Checks every value and says which one is wrong.</summary>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Address, nameof(Address));
        if (!Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Address '{Address}' must be an absolute http:// or https:// URI.", nameof(Address));
        }

        ArgumentException.ThrowIfNullOrEmpty(ApiKey, nameof(ApiKey));
        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "AttemptTimeout must be positive.");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be at least 1.");
        }

        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, $"InitialBackoff ({InitialBackoff}) must be >= 0 and MaxBackoff at least InitialBackoff.");
        }

        if (!(BackoffMultiplier >= 1) || double.IsInfinity(BackoffMultiplier))
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffMultiplier), BackoffMultiplier, "BackoffMultiplier must be finite and >= 1.");
        }

        if (MaxSamplesPerRequest < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSamplesPerRequest), MaxSamplesPerRequest, "MaxSamplesPerRequest must be at least 1.");
        }
    }
}
