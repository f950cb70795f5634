using ClassyNet.MLNet.Data;

namespace ClassyNet.Cli;

/// <summary>Loads the datasets the CLI knows, with errors that say how to get missing data.</summary>
internal static class DataSource
{
    public static readonly string[] Names = ["fashion-mnist", "cifar10", "svhn", "csv", "folder:ROOT"];

    public static string Normalize(string? dataset)
    {
        if (ImageFolderDataset.TryParse(dataset, out string root))
        {
            return ImageFolderDataset.Prefix + root;
        }

        string name = (dataset ?? string.Empty).Trim().ToLowerInvariant() switch
        {
            "fashion-mnist" or "fashionmnist" or "fmnist" => "fashion-mnist",
            "cifar10" or "cifar-10" => "cifar10",
            "svhn" => "svhn",
            "csv" => "csv",
            _ => throw new CliException($"Unknown --dataset '{dataset}'; expected one of {string.Join(", ", Names)}."),
        };
        return name;
    }

    /// <summary>Loads <paramref name="split"/> ("train" or "test") of a dataset.</summary>
    public static (TensorDataset Data, IReadOnlyList<string> ClassNames) Load(string dataset, string? data, string split, int? limit, string? labelColumn = null, IReadOnlyList<string>? knownClassNames = null, IReadOnlyList<int>? imageShape = null, CliOutput? output = null)
    {
        if (limit is < 1)
        {
            throw new CliException($"--limit/--train-limit must be >= 1; got {limit}.");
        }

        bool train = split == "train";
        if (ImageFolderDataset.TryParse(dataset, out string root))
        {
            return ImageFolderDataset.Load(root, data, split, limit, knownClassNames, imageShape, output);
        }

        switch (Normalize(dataset))
        {
            case "fashion-mnist":
            {
                string dir = data ?? FashionMnist.DefaultDirectory;
                if (!Directory.Exists(dir))
                {
                    throw new CliException($"Fashion-MNIST folder '{dir}' does not exist. Install the data with 'apt-get install dataset-fashion-mnist' (it goes to {FashionMnist.DefaultDirectory}) or pass --data DIR with the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist.");
                }

                if (!FashionMnist.IsAvailable(dir))
                {
                    throw new CliException($"Fashion-MNIST files are missing in '{dir}': it needs train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz ('apt-get install dataset-fashion-mnist' installs them in {FashionMnist.DefaultDirectory}).");
                }

                return (FashionMnist.Load(dir, train ? FashionMnistSplit.Train : FashionMnistSplit.Test, limit), FashionMnist.ClassNames);
            }

            case "cifar10":
            {
                string dir = data ?? throw new CliException($"--dataset cifar10 needs --data DIR: the '{Cifar10.ArchiveFolder}' folder of the CIFAR-10 binary version (cifar-10-binary.tar.gz from {Cifar10.DownloadUrl}), or its parent.");
                if (!Directory.Exists(dir))
                {
                    throw new CliException($"CIFAR-10 folder '{dir}' does not exist. Download the binary version (cifar-10-binary.tar.gz, \"CIFAR-10 binary version (suitable for C programs)\") from {Cifar10.DownloadUrl}, extract it and pass the '{Cifar10.ArchiveFolder}' folder (or its parent) as --data.");
                }

                return (Cifar10.Load(dir, train ? Cifar10Split.Train : Cifar10Split.Test, limit), Cifar10.ClassNames);
            }

            case "svhn":
            {
                string path = data ?? throw new CliException($"--dataset svhn needs --data: a folder with train_32x32.mat and test_32x32.mat, or one of those files (SVHN cropped digits, format 2, from {Svhn.DownloadUrl}).");
                if (Directory.Exists(path))
                {
                    path = Path.Combine(path, train ? "train_32x32.mat" : "test_32x32.mat");
                }

                if (!File.Exists(path))
                {
                    throw new CliException($"SVHN file '{path}' does not exist. Download train_32x32.mat and test_32x32.mat (cropped digits, format 2) from {Svhn.DownloadUrl} and pass their folder as --data.");
                }

                return (Svhn.Load(path, limit), Svhn.ClassNames);
            }

            default:
            {
                string path = data ?? throw new CliException("--dataset csv needs --data FILE: a CSV file with a label column and numeric feature columns (see 'classynet train --help').");
                return CsvDataset.Load(path, labelColumn, knownClassNames, limit);
            }
        }
    }
}
