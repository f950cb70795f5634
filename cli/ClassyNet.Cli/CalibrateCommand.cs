using System.CommandLine;

namespace ClassyNet.Cli;

internal static class CalibrateCommand
{
    public static Command Create(CliContext context) => new("calibrate", "todo");
}
