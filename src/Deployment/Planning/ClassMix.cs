using System.Globalization;

namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>The expected share of each class among the inputs a deployment will see (sums to 1).</summary>
public sealed class ClassMix
{
    private readonly double[] _shares;

    /// <summary>Creates a mix from one share per class (each finite and &gt;= 0, summing to 1 within 1e-6).</summary>
    public ClassMix(IReadOnlyList<double> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count < 2)
        {
            throw new ArgumentException($"shares must give one share per class (at least 2); got {shares.Count}.", nameof(shares));
        }

        for (int c = 0; c < shares.Count; c++)
        {
            if (!double.IsFinite(shares[c]) || shares[c] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(shares), shares[c], $"shares[{c}] = {shares[c]}: every share must be finite and >= 0.");
            }
        }

        double sum = shares.Sum();
        if (Math.Abs(sum - 1) > 1e-6)
        {
            throw new ArgumentException($"shares must sum to 1; they sum to {sum.ToString("G6", CultureInfo.InvariantCulture)}.", nameof(shares));
        }

        _shares = shares.ToArray();
    }

    /// <summary>Share of each class, by class index.</summary>
    public IReadOnlyList<double> Shares => _shares;

    /// <summary>Number of classes.</summary>
    public int ClassCount => _shares.Length;

    /// <summary>Every class equally likely.</summary>
    public static ClassMix Uniform(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        return new ClassMix(Enumerable.Repeat(1.0 / classCount, classCount).ToArray());
    }

    /// <summary>
    /// The paper's biased test set: <paramref name="share"/> of the inputs (0.9 in Table IV) from
    /// <paramref name="priorityClass"/>, the rest spread evenly over the other classes.
    /// </summary>
    public static ClassMix Biased(int priorityClass, double share, int classCount) => Parse($"{priorityClass}:{share.ToString("R", CultureInfo.InvariantCulture)}", classCount);

    /// <summary>
    /// Parses <c>uniform</c> or <c>class:share</c> pairs such as <c>9:0.9</c> or <c>9:0.5,8:0.3</c>; the classes not
    /// named share what is left evenly.
    /// </summary>
    /// <exception cref="FormatException">Malformed text, an unknown class, or shares that cannot sum to 1; the message names the value.</exception>
    public static ClassMix Parse(string text, int classCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        const string Form = "'uniform' or class:share pairs separated by ',' (e.g. 9:0.9 = 90% class 9, the rest spread evenly)";
        if (text.Trim().Equals("uniform", StringComparison.OrdinalIgnoreCase))
        {
            return Uniform(classCount);
        }

        var shares = new double?[classCount];
        foreach (var part in text.Split(','))
        {
            var pair = part.Split(':');
            if (pair.Length != 2
                || !int.TryParse(pair[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int c)
                || !double.TryParse(pair[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double share))
            {
                throw new FormatException($"Class mix '{text}': '{part.Trim()}' is not class:share; expected {Form}.");
            }

            if (c < 0 || c >= classCount)
            {
                throw new FormatException($"Class mix '{text}' names class {c}, but there are {classCount} classes (0..{classCount - 1}).");
            }

            if (!(share >= 0 && share <= 1))
            {
                throw new FormatException($"Class mix '{text}': share {pair[1].Trim()} of class {c} is not in [0, 1].");
            }

            if (shares[c] is not null)
            {
                throw new FormatException($"Class mix '{text}' names class {c} twice.");
            }

            shares[c] = share;
        }

        double named = shares.Sum(s => s ?? 0);
        int rest = shares.Count(s => s is null);
        if (named > 1 + 1e-9 || (rest == 0 && Math.Abs(named - 1) > 1e-6))
        {
            throw new FormatException($"Class mix '{text}': the shares sum to {named.ToString("G6", CultureInfo.InvariantCulture)}; they must sum to 1 (classes not named share what is left).");
        }

        double each = rest == 0 ? 0 : Math.Max(0, 1 - named) / rest;
        return new ClassMix(shares.Select(s => s ?? each).ToArray());
    }

    /// <summary>Readable form: <c>uniform</c>, or the non-zero shares, e.g. <c>9: 90%, others 1.1% each</c>.</summary>
    public override string ToString()
    {
        if (_shares.All(s => Math.Abs(s - _shares[0]) < 1e-12))
        {
            return "uniform";
        }

        var groups = _shares.Select((s, c) => (s, c)).GroupBy(x => Math.Round(x.s, 9)).OrderBy(g => g.Count()).ToArray();
        return string.Join(", ", groups.Select(g => g.Count() == 1
            ? string.Create(CultureInfo.InvariantCulture, $"class {g.First().c}: {100 * g.Key:F1}%")
            : string.Create(CultureInfo.InvariantCulture, $"{g.Count()} other classes: {100 * g.Key:F1}% each")));
    }
}
