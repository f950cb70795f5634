namespace ClassyNet.MLNet.Persistence;

/// <summary>The error of saving a ClassyNet transformer through ML.NET's own <c>Model.Save</c>.</summary>
internal static class ModelFileErrors
{
    /// <summary>Says why <c>mlContext.Model.Save</c> cannot store <paramref name="transformer"/> and what to call instead.</summary>
    public static NotSupportedException UseSaveClassyNet(string transformer) => new(
        $"{transformer} cannot be saved with mlContext.Model.Save: Microsoft.ML keeps its model-saving API internal to its own assemblies. " +
        "Save the model with mlContext.Model.SaveClassyNet(model, inputSchema, path) and load it with mlContext.Model.LoadClassyNet(path, out var inputSchema) (namespace ClassyNet.MLNet).");
}
