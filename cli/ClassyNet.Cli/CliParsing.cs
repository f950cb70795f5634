using System.CommandLine;
using System.Globalization;
using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Training;

namespace ClassyNet.Cli;

/// <summary>Parsers for the CLI's compact option values, each failing with a message that shows the expected form.</summary>
internal static class CliParsing
{
    /// <summary>"9;8;6" or "9,8;6": one group per early exit, classes separated by commas; <paramref name="option"/> names the option in errors.</summary>
    public static int[][] ExitClasses(string text, int classCount, string option = "--exit-classes")
    {
        const string Form = "one group per early exit separated by ';', classes within a group by ',', e.g. \"9;8;6\" or \"9,8;6\"";
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliException($"{option} is empty; expected {Form}.");
        }

        var groups = text.Split(';');
        var result = new int[groups.Length][];
        for (int g = 0; g < groups.Length; g++)
        {
            if (string.IsNullOrWhiteSpace(groups[g]))
            {
                throw new CliException($"{option} \"{text}\": group {g + 1} is empty; expected {Form}.");
            }

            result[g] = groups[g].Split(',').Select(part =>
            {
                if (!int.TryParse(part.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int c))
                {
                    throw new CliException($"{option} \"{text}\": '{part.Trim()}' is not a class index; expected {Form}.");
                }

                if (c < 0 || c >= classCount)
                {
                    throw new CliException($"{option} \"{text}\" names class {c}, but the data has {classCount} classes (0..{classCount - 1}).");
                }

                return c;
            }).ToArray();
        }

        return result;
    }

    /// <summary>
    /// An optional whole-number option (e.g. --limit) whose bad value is reported in words ("--limit 'abc' is not a whole
    /// number; expected e.g. --limit 1000") instead of as a parse failure into <c>System.Nullable`1[System.Int32]</c>.
    /// </summary>
    public static Option<int?> OptionalInt(string name, string description, int example)
    {
        return new Option<int?>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                {
                    return value;
                }

                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} '{text}' is not a whole number; expected e.g. {name} {example}."));
                return null;
            },
        };
    }

    /// <summary>--memory-rule: measured, paper (or formula) or edge.</summary>
    public static MemoryRule MemoryRule(string text) => text.Trim().ToLowerInvariant() switch
    {
        "measured" => ClassyNet.MLNet.Deployment.Budgets.MemoryRule.Measured,
        "paper" or "formula" => ClassyNet.MLNet.Deployment.Budgets.MemoryRule.PaperFormula,
        "edge" => ClassyNet.MLNet.Deployment.Budgets.MemoryRule.EdgeFormula,
        _ => throw new CliException($"Unknown --memory-rule '{text}'; expected measured, paper or edge."),
    };

    /// <summary>"0.4,0.3,0.3": finite non-negative numbers.</summary>
    /// <summary>Refuses <paramref name="value"/> of <paramref name="option"/> unless <paramref name="ok"/>: the error names that option alone, what it expects and what it got.</summary>
    public static void Require(bool ok, string option, string expected, IFormattable value)
    {
        if (!ok)
        {
            throw new CliException($"{option} must be {expected}; got {value.ToString(null, CultureInfo.InvariantCulture)}.");
        }
    }

    public static float[] Floats(string text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliException($"{option} is empty; expected comma-separated numbers such as 0.4,0.3,0.3.");
        }

        return text.Split(',').Select(part =>
        {
            if (!float.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v) || v < 0)
            {
                throw new CliException($"{option} \"{text}\": '{part.Trim()}' is not a finite number >= 0; expected comma-separated numbers such as 0.4,0.3,0.3.");
            }

            return v;
        }).ToArray();
    }

    /// <summary>"7,13,20": positive integers.</summary>
    public static int[] Ints(string text, string option)
    {
        return text.Split(',').Select(part =>
            int.TryParse(part.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
                ? v
                : throw new CliException($"{option} \"{text}\": '{part.Trim()}' is not a positive integer; expected e.g. 7,13,20.")).ToArray();
    }

    /// <summary>"9:0.95,8:0.9": class:recall floor pairs.</summary>
    public static Dictionary<int, double> Recall(string text, int classCount)
    {
        const string Form = "class:floor pairs separated by ',', e.g. 9:0.95,8:0.9";
        var result = new Dictionary<int, double>();
        foreach (var part in text.Split(','))
        {
            var pair = part.Split(':');
            if (pair.Length != 2
                || !int.TryParse(pair[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int c)
                || !double.TryParse(pair[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double floor))
            {
                throw new CliException($"--min-recall \"{text}\": '{part}' is not class:floor; expected {Form}.");
            }

            if (c < 0 || c >= classCount)
            {
                throw new CliException($"--min-recall names class {c}, but the model has {classCount} classes (0..{classCount - 1}).");
            }

            if (!(floor >= 0 && floor <= 1))
            {
                throw new CliException($"--min-recall {c}:{pair[1].Trim()}: the floor must be a fraction in [0, 1].");
            }

            if (!result.TryAdd(c, floor))
            {
                throw new CliException($"--min-recall lists class {c} twice.");
            }
        }

        return result;
    }

    public static ClassyNetMode Mode(string text) => text.Trim().ToLowerInvariant() switch
    {
        "baseline" or "base" => ClassyNetMode.Baseline,
        "branchynet" or "bn" => ClassyNetMode.BranchyNet,
        "cn" or "classynet" => ClassyNetMode.ClassyNet,
        "cn+c" or "cnc" or "classynet+c" => ClassyNetMode.ClassyNetWithCosts,
        _ => throw new CliException($"Unknown --mode '{text}'; expected baseline, branchynet (bn), cn or cn+c."),
    };

    public static string ModeName(ClassyNetMode mode) => mode switch
    {
        ClassyNetMode.Baseline => "baseline",
        ClassyNetMode.BranchyNet => "branchynet",
        ClassyNetMode.ClassyNet => "cn",
        _ => "cn+c",
    };

    public static string ModeLabel(string? mode) => mode switch
    {
        "baseline" => "Baseline",
        "branchynet" => "BN",
        "cn" => "CN",
        "cn+c" => "CN+C",
        _ => mode ?? "model",
    };

    public static ExitClassScheme Scheme(string text) => text.Trim().ToLowerInvariant() switch
    {
        "ic" => ExitClassScheme.Incremental,
        "mc" => ExitClassScheme.MutuallyExclusive,
        _ => throw new CliException($"Unknown --scheme '{text}'; expected ic (incremental classes) or mc (mutually exclusive classes)."),
    };

    public static string Format(IEnumerable<float> values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
