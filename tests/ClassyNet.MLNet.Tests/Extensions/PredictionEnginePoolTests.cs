using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Extensions.ML;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Extensions;

[TestClass]
public sealed class PredictionEnginePoolTests
{
    [TestMethod]
    public void PoolPredictsConcurrentlyAndSwitchesToAReplacedModelWithoutFailures()
    {
        using var dir = new TempDirectory();
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.Load(ml, 120, seed: 1);
        var first = Train(ml, data, seed: 1);
        var second = Train(ml, data, seed: 2);
        string path = Path.Combine(dir.Path, "model.zip");
        ml.Model.SaveClassyNet(first, data.Schema, path);
        string named = Path.Combine(dir.Path, "named.zip");
        ml.Model.SaveClassyNet(second, data.Schema, named);

        var services = new ServiceCollection();
        services.AddPredictionEnginePool<ClassyNetTestData.Row, ClassyNetTestData.Prediction>()
            .FromFile(path, watchForChanges: true)
            .FromFile("second", named, watchForChanges: false);
        using var provider = services.BuildServiceProvider();
        var pool = provider.GetRequiredService<PredictionEnginePool<ClassyNetTestData.Row, ClassyNetTestData.Prediction>>();

        var probe = new ClassyNetTestData.Row { Features = ClassyNetTestData.Rows(1, seed: 42)[0].Features };
        var expectedFirst = Score(ml, first, probe);
        var expectedSecond = Score(ml, second, probe);
        CollectionAssert.AreNotEqual(expectedFirst, expectedSecond, "the two models must differ for the switch to be visible");
        CollectionAssert.AreEqual(expectedFirst, pool.Predict(probe).Score);
        CollectionAssert.AreEqual(expectedSecond, pool.Predict("second", probe).Score, "named model");

        const int threads = 4, predictions = 150;
        int failures = 0, sawSecond = 0;
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            start.Wait();
            for (int i = 0; i < predictions; i++)
            {
                try
                {
                    var score = pool.Predict(probe).Score;
                    if (score.SequenceEqual(expectedSecond))
                    {
                        Interlocked.Exchange(ref sawSecond, 1);
                    }
                    else if (!score.SequenceEqual(expectedFirst))
                    {
                        throw new InvalidOperationException("a prediction matched neither model");
                    }
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failures);
                    errors.Add(e);
                }
            }
        })).ToArray();

        start.Set();
        for (int r = 0; r < 3; r++)
        {
            ml.Model.SaveClassyNet(r % 2 == 0 ? second : first, data.Schema, path); // atomic: temporary file moved over the model
            Thread.Sleep(30);
        }

        ml.Model.SaveClassyNet(second, data.Schema, path);
        Task.WaitAll(workers);
        Assert.AreEqual(0, failures, string.Join("\n", errors.Take(3)));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!pool.Predict(probe).Score.SequenceEqual(expectedSecond) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        CollectionAssert.AreEqual(expectedSecond, pool.Predict(probe).Score, "after the file was replaced the pool serves the new model");
    }

    [TestMethod]
    public void EnginesAreLentAndReturnedAndGetModelGivesTheServedModel()
    {
        using var dir = new TempDirectory();
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.Load(ml, 80, seed: 1);
        var model = Train(ml, data, seed: 3);
        string path = dir.File("model.zip");
        ml.Model.SaveClassyNet(model, data.Schema, path);
        var services = new ServiceCollection();
        services.AddPredictionEnginePool<ClassyNetTestData.Row, ClassyNetTestData.Prediction>().FromFile(path, watchForChanges: false);
        using var provider = services.BuildServiceProvider();
        var pool = provider.GetRequiredService<PredictionEnginePool<ClassyNetTestData.Row, ClassyNetTestData.Prediction>>();

        var probe = new ClassyNetTestData.Row { Features = ClassyNetTestData.Rows(1, seed: 7)[0].Features };
        var engine = pool.GetPredictionEngine();
        var again = pool.GetPredictionEngine();
        Assert.AreNotSame(engine, again, "an engine in use is not lent twice");
        CollectionAssert.AreEqual(Score(ml, model, probe), engine.Predict(probe).Score);
        pool.ReturnPredictionEngine(engine);
        pool.ReturnPredictionEngine(again);
        Assert.ThrowsExactly<ArgumentException>(() => pool.ReturnPredictionEngine(engine), "returning twice is an error");
        Assert.AreSame(engine, pool.GetPredictionEngine(), "a returned engine is reused");

        var served = pool.GetModel();
        Assert.IsInstanceOfType<Microsoft.ML.Data.TransformerChain<ITransformer>>(served);
        CollectionAssert.AreEqual(Score(ml, model, probe), Score(ml, served, probe));
    }

    [TestMethod]
    public void UnknownModelNameAndMissingFileAreClearErrors()
    {
        var services = new ServiceCollection();
        services.AddPredictionEnginePool<ClassyNetTestData.Row, ClassyNetTestData.Prediction>();
        using var provider = services.BuildServiceProvider();
        var pool = provider.GetRequiredService<PredictionEnginePool<ClassyNetTestData.Row, ClassyNetTestData.Prediction>>();
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => pool.Predict("nope", new ClassyNetTestData.Row()));
        StringAssert.Contains(error.Message, "'nope'");
        Assert.ThrowsExactly<FileNotFoundException>(() => new FileModelLoader(new MLContext(), "/no/such/model.zip", watchForChanges: false));
    }

    private static ITransformer Train(MLContext ml, IDataView data, int seed) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.ClassyNet(new ClassyNetTrainer.Options
        {
            Architecture = NetworkSpec.Mlp(ClassyNetTestData.FeatureCount, [8, 8], 4),
            ExitClasses = ExitClassSets.Incremental([[3]], 4),
            Epochs = 1,
            Seed = seed,
        })).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);

    private static float[] Score(MLContext ml, ITransformer model, ClassyNetTestData.Row row)
    {
        using var engine = ml.Model.CreatePredictionEngine<ClassyNetTestData.Row, ClassyNetTestData.Prediction>(model);
        return engine.Predict(row).Score;
    }
}
