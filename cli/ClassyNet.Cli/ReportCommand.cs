using System.CommandLine;

namespace ClassyNet.Cli;

internal static class ReportCommand
{
    public static Command Create(CliContext context) => new("report", "todo");
}
