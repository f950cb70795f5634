using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>Access to the real datasets installed from Debian packages; missing data fails in CI and is inconclusive locally.</summary>
internal static class RealData
{
    public static string FashionMnistDirectory()
    {
        if (FashionMnist.IsAvailable())
        {
            return FashionMnist.DefaultDirectory;
        }

        const string message = $"Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory}: run 'apt-get update && apt-get install -y dataset-fashion-mnist'.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message + " (CI=true: the data is required.)");
        }

        Assert.Inconclusive(message);
        return string.Empty;
    }
}
