using System.CommandLine;

namespace ClassyNet.Cli;

internal static class EvaluateCommand
{
    public static Command Create(CliContext context) => new("evaluate", "todo");
}
