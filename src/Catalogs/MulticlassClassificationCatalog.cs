namespace ClassyNet.MLNet;

/// <summary><c>ml.MulticlassClassification</c>: multiclass trainers (<see cref="Trainers"/>) and evaluation, added as extension methods.</summary>
public sealed class MulticlassClassificationCatalog : CatalogBase
{
    internal MulticlassClassificationCatalog(MLContext context)
        : base(context)
    {
        Trainers = new MulticlassClassificationTrainers(this);
    }

    /// <summary>The trainers.</summary>
    public MulticlassClassificationTrainers Trainers { get; }

    /// <summary><c>ml.MulticlassClassification.Trainers</c>.</summary>
    public sealed class MulticlassClassificationTrainers : CatalogBase
    {
        internal MulticlassClassificationTrainers(MulticlassClassificationCatalog owner)
            : base(owner.Context)
        {
        }
    }
}
