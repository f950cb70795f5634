using System.CommandLine;

namespace ClassyNet.Edge.App;

/// <summary>
/// <c>classynet-edge</c>: the ClassyNet edge program. Runs an exported edge part on ONNX Runtime and sends the samples
/// that do not leave at an edge exit to the cloud-part service. It references no TorchSharp: the process never loads
/// TorchSharp or libtorch. Exit codes: 0 ok, 1 user error, 2 bad command line, 3 some samples unanswered (or load
/// errors), 70 internal error.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("classynet-edge: the edge side of a split ClassyNet deployment (ONNX Runtime, no libtorch).")
        {
            RunCommand.Create(),
            BenchCommand.Create(),
            LoadCommand.Create(),
        };
        var parse = root.Parse(args);
        try
        {
            int code = parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            return parse.Errors.Count > 0 ? 2 : code;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Interrupted.");
            return 130;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error ({e.GetType().Name}): {e.Message}");
            Console.Error.WriteLine(e.StackTrace);
            return 70;
        }
    }
}
