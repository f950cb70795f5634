using System.Text.RegularExpressions;

namespace ClassyNet.MLNet.Deployment;

/// <summary>
/// Which model a split deployment runs: an <see cref="Id"/> chosen by the user (e.g. <c>r20-cn</c>) and a
/// <see cref="Version"/> that identifies the architecture and weights (the library derives it from their bytes), so an
/// edge part and a cloud part cut from different weights are never combined.
/// </summary>
public sealed partial record ModelIdentity
{
    /// <summary>Creates an identity; both parts are 1-100 characters of letters, digits, '.', '_' or '-'.</summary>
    public ModelIdentity(string id, string version)
    {
        Id = Check(id, nameof(id));
        Version = Check(version, nameof(version));
    }

    /// <summary>The model's name.</summary>
    public string Id { get; }

    /// <summary>The architecture-and-weights version.</summary>
    public string Version { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Id}@{Version}";

    private static string Check(string value, string argument)
    {
        ArgumentNullException.ThrowIfNull(value, argument);
        if (!NamePattern().IsMatch(value))
        {
            throw new ArgumentException($"{argument} '{value}' must be 1-100 characters of letters, digits, '.', '_' or '-'.", argument);
        }

        return value;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex NamePattern();
}
