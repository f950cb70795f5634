// One test class at a time: the reliability tests start Kestrel servers and measure retries and timeouts, which other
// classes' CPU load would only make slower and noisier on a two-core machine.
[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.Parallelize(Workers = 1, Scope = Microsoft.VisualStudio.TestTools.UnitTesting.ExecutionScope.ClassLevel)]
