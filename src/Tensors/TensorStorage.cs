namespace ClassyNet.MLNet.Tensors;

/// <summary>Reference-counted float buffer shared by a tensor and its views; returned to the pool at zero.</summary>
internal sealed class TensorStorage
{
    private int _references = 1;

    public TensorStorage(float[] array) => Array = array;

    public float[] Array { get; private set; }

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            var array = Array;
            Array = [];
            BufferPool.Return(array);
        }
    }
}
