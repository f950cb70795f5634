using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ClassyNet.Cli;

/// <summary>
/// The <c>classynet</c> tool: <c>train</c>, <c>evaluate</c>, <c>calibrate</c> and <c>report</c> for class-aware early-exit
/// networks; <c>export edge-part</c> and <c>serve cloud-part</c> for edge/cloud deployments. Exit codes: 0 success, 1 user error (message on stderr, no stack trace), 2 bad command line,
/// 70 internal error, 130 interrupted (Ctrl+C; training leaves a checkpoint).
/// </summary>
public static class Program
{
    /// <summary>Exit code of a user error (bad option value, missing data, mismatched model).</summary>
    public const int UserError = 1;

    /// <summary>Exit code of an unexpected failure.</summary>
    public const int InternalError = 70;

    /// <summary>Exit code after Ctrl+C.</summary>
    public const int Interrupted = 130;

    /// <summary>Entry point: runs on the console; Ctrl+C (or SIGTERM) cancels and lets training save a checkpoint.</summary>
    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true; // first Ctrl+C: stop cleanly; a second one kills the process
                Console.Error.WriteLine("Stopping after the current step (Ctrl+C again to abort) ...");
                cancel.Cancel();
            }
        };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            cancel.Cancel();
        });
        bool rich = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        return Run(args, Console.Out, Console.Error, rich, cancel.Token);
    }

    /// <summary>Runs the tool in-process with plain output: <paramref name="args"/> as on the command line; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, rich: false, CancellationToken.None);

    /// <summary>Runs the tool in-process; <paramref name="cancellationToken"/> plays the role of Ctrl+C.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool rich, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var context = new CliContext(new CliOutput(output, error, rich), cancellationToken);
        var root = new RootCommand("classynet: train, evaluate, calibrate and report on class-aware early-exit networks (ClassyNet).")
        {
            TrainCommand.Create(context),
            EvaluateCommand.Create(context),
            CalibrateCommand.Create(context),
            ReportCommand.Create(context),
            BudgetsCommand.Create(context),
            PruneCommand.Create(context),
            PlanCommand.Create(context),
            ExportCommand.Create(context),
            ServeCommand.Create(context),
        };
        var parse = root.Parse(args);
        try
        {
            int code = parse.Invoke(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
            return parse.Errors.Count > 0 ? 2 : code;
        }
        catch (CliException e)
        {
            error.WriteLine("error: " + e.Message);
            return UserError;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("Interrupted.");
            return Interrupted;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException or JsonException or ClassyNet.MLNet.Losses.NonFiniteLossException)
        {
            // Library validation and file errors carry messages written for users.
            error.WriteLine("error: " + UserMessage(e));
            return UserError;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error ({e.GetType().Name}): {e.Message}");
            error.WriteLine(e.StackTrace);
            return InternalError;
        }
    }

    /// <summary>An exception's message without the " (Parameter 'name')" suffix that ArgumentException adds for programmers.</summary>
    internal static string UserMessage(Exception e) =>
        e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
}
