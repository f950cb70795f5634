// Same choice as ClassyNet.MLNet.Tests: one worker, so tests that train do not fight over the two cores.
[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.Parallelize(Workers = 1, Scope = Microsoft.VisualStudio.TestTools.UnitTesting.ExecutionScope.ClassLevel)]
