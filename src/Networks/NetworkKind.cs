namespace ClassyNet.MLNet.Networks;

/// <summary>The architecture families <see cref="NetworkSpec"/> can describe (the builders of <see cref="Architectures"/>).</summary>
public enum NetworkKind
{
    /// <summary>CIFAR-style ResNet of depth 6n+2 (<see cref="Architectures.ResNet"/>); JSON name <c>resnet</c>.</summary>
    ResNet,

    /// <summary>Multi-layer perceptron (<see cref="Architectures.Mlp"/>); JSON name <c>mlp</c>.</summary>
    Mlp,

    /// <summary>AlexNet-style network with three exits (<see cref="Architectures.AlexNet"/>); JSON name <c>alexnet</c>.</summary>
    AlexNet,
}
