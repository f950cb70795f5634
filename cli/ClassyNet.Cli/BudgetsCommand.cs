using System.CommandLine;
using System.Globalization;
using System.Text;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Networks;

namespace ClassyNet.Cli;

/// <summary><c>classynet budgets</c>: the paper's Table IV memory analysis for every split of a model or a preset.</summary>
internal static class BudgetsCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string?>("model") { Description = "Model bundle (zip); without it, --preset or --arch describes the network.", Arity = ArgumentArity.ZeroOrOne };
        var preset = new Option<string?>("--preset") { Description = "Network of a named setup, e.g. resnet110-7exit (the paper's ResNet-110 7_Exit): " + string.Join(", ", NamedPreset.All.Select(p => p.Name)) + "." };
        var arch = new Option<string?>("--arch") { Description = "Architecture without a model: " + ArchitectureChoice.Names + "." };
        var exits = new Option<string?>("--exits") { Description = "ResNet exit layers, e.g. 4,18,36,54,72,90,110." };
        var inChannels = new Option<int>("--in-channels") { Description = "Image channels without a model (3 = CIFAR-10, the paper's).", DefaultValueFactory = _ => 3 };
        var imageSize = new Option<int>("--image-size") { Description = "Image side without a model (32 = CIFAR-10).", DefaultValueFactory = _ => 32 };
        var classes = new Option<int>("--classes") { Description = "Classes without a model (every exit gets this many logits, as BranchyNet's).", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Batch of the paper's formula and of the measured run.", DefaultValueFactory = _ => 16 };
        var budgets = new Option<string?>("--budgets") { Description = "Device memories to check, e.g. 470KB,2.31MB (binary units; default the paper's 470KB,2.31MB,5.54MB,28.5MB,112MB)." };
        var noMeasure = new Option<bool>("--no-measure") { Description = "Skip running each edge part on TorchSharp to measure its activation peak." };
        var output = new Option<string?>("--out") { Description = "Also write the tables to this Markdown file." };
        var command = new Command("budgets", "Memory of every edge partition (network up to exit k): parameters, the paper's formula (parameters x 4 bytes x batch 16), stored bytes and the activation peak measured on TorchSharp; which exits fit each device budget (Table IV).")
        {
            model, preset, arch, exits, inChannels, imageSize, classes, batchSize, budgets, noMeasure, output,
        };
        command.SetAction(r => Run(context, r.GetValue(model), r.GetValue(preset), r.GetValue(arch), r.GetValue(exits), r.GetValue(inChannels), r.GetValue(imageSize), r.GetValue(classes), r.GetValue(batchSize), r.GetValue(budgets), r.GetValue(noMeasure), r.GetValue(output)));
        return command;
    }

    private static int Run(CliContext context, string? modelPath, string? presetName, string? arch, string? exitText, int inChannels, int imageSize, int classes, int batchSize, string? budgetText, bool noMeasure, string? outPath)
    {
        var o = context.Output;
        CliParsing.Require(batchSize >= 1, "--batch-size", ">= 1", batchSize);

        var budgets = budgetText is null ? PaperEdgeBudgets.Budgets : Parse(budgetText);
        NetworkSpec spec;
        MultiExitNetwork network;
        string description;
        if (modelPath is not null)
        {
            if (presetName is not null || arch is not null || exitText is not null)
            {
                throw new CliException("Give a model or --preset/--arch/--exits, not both: a model file fixes its architecture.");
            }

            var loaded = ModelData.LoadModel(modelPath);
            spec = loaded.Spec;
            network = loaded.Network;
            description = $"model {modelPath}: {spec}";
        }
        else
        {
            var named = presetName is null ? null : NamedPreset.Find(presetName);
            string archName = arch ?? named?.Arch ?? throw new CliException("budgets needs a model file, --preset (e.g. resnet110-7exit) or --arch.");
            var layers = exitText is null ? named?.Exits : CliParsing.Ints(exitText, "--exits");
            int exitCount = layers?.Length ?? (named is null ? 3 : named.ExitClasses.Split(';').Length + 1);
            CliParsing.Require(inChannels >= 1, "--in-channels", ">= 1", inChannels);
            CliParsing.Require(imageSize >= 1, "--image-size", ">= 1", imageSize);
            CliParsing.Require(classes >= 2, "--classes", ">= 2", classes);

            spec = ArchitectureChoice.Spec(archName, exitCount, layers, null, [inChannels, imageSize, imageSize], classes);
            using var generator = new TorchSharp.torch.Generator(1);
            network = spec.Build(generator);
            description = $"{(named is null ? archName : named.Name)}: {spec} (random weights; memory does not depend on them)";
        }

        o.Line($"Network {description}");
        var report = PartitionMemoryAnalyzer.Analyze(network, spec.InputShape, new PartitionMemoryOptions
        {
            BatchSize = batchSize,
            MeasureActivations = !noMeasure,
            Budgets = budgets,
            ExitLabels = PartitionMemoryAnalyzer.LayerLabels(spec),
        });
        context.Cancellation.ThrowIfCancellationRequested();
        string markdown = report.ToMarkdown();
        o.Line(markdown);
        string notes = Notes(report, budgets);
        o.Line(notes);
        if (outPath is not null)
        {
            var text = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"# Edge partition memory: {description}")
                .AppendLine()
                .AppendLine(markdown)
                .AppendLine(notes)
                .ToString();
            AtomicFile.Write(outPath, s => s.Write(Encoding.UTF8.GetBytes(text)), "--out");
            o.Line($"Wrote {outPath}");
        }

        return 0;
    }

    private static IReadOnlyList<MemoryBudget> Parse(string text)
    {
        try
        {
            return MemoryBudget.ParseList(text);
        }
        catch (FormatException e)
        {
            throw new CliException("--budgets: " + e.Message);
        }
    }

    /// <summary>Column meanings, and where the paper's budgets are checked, whether each lands on the exit the paper sized it for.</summary>
    private static string Notes(PartitionMemoryReport report, IReadOnlyList<MemoryBudget> budgets)
    {
        var b = new StringBuilder();
        b.AppendLine("Prefix = stem, stages up to exit k and exit k's head (the paper's partial network); weight tensors = only tensors named weight (conv, linear, BN scale).");
        b.AppendLine(CultureInfo.InvariantCulture, $"Paper formula = prefix weight tensors x {report.BytesPerParameter} bytes x batch {report.BatchSize}; edge formula = all parameters of the edge part (every head 0..k) x {report.BytesPerParameter} x {report.BatchSize}.");
        b.AppendLine("Stored bytes = every parameter and buffer of the edge part once; measured activation peak = largest set of live tensors while the edge part runs one batch on TorchSharp (module granularity, a floor); measured total = both.");
        if (budgets.SequenceEqual(PaperEdgeBudgets.Budgets))
        {
            var matches = report.Fits.Select((f, i) =>
            {
                int paper = PaperEdgeBudgets.Exits[i];
                string ours = f.ByPaperFormula is int k ? report.Partitions[k].Label : "none";
                return $"{f.Budget.Label}: paper E{paper}, here {ours}{(f.ByPaperFormula == paper - 1 ? " (same)" : " (differs)")}";
            });
            b.AppendLine("The paper sized these budgets for the exits of its ResNet-110 7_Exit; deepest exit here by the paper formula: " + string.Join("; ", matches) + ".");
        }

        return b.ToString();
    }
}
