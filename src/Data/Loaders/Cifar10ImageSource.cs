namespace ClassyNet.MLNet.Data;

/// <summary>CIFAR-10 batch files read record by record (each reader seeks in its own file handles); nothing is held in memory.</summary>
internal sealed class Cifar10ImageSource : ImageSource
{
    private readonly string[] paths;
    private readonly long[] starts;

    public Cifar10ImageSource(string name, string[] paths, long[] records)
        : base(name, records.Sum(), 3, 32, 32)
    {
        this.paths = paths;
        starts = new long[records.Length + 1];
        for (int i = 0; i < records.Length; i++)
        {
            starts[i + 1] = starts[i] + records[i];
        }
    }

    public override ImageReader OpenReader() => new Reader(this);

    private sealed class Reader(Cifar10ImageSource source) : ImageReader
    {
        private readonly FileStream?[] streams = new FileStream?[source.paths.Length];
        private readonly byte[] record = new byte[Cifar10.RecordSize];

        public override int Read(long index, Span<byte> pixels)
        {
            int file = Array.BinarySearch(source.starts, index);
            file = file >= 0 ? file : ~file - 1;
            while (file + 1 < source.starts.Length - 1 && source.starts[file + 1] <= index)
            {
                file++;
            }

            long local = index - source.starts[file];
            var stream = streams[file] ??= new FileStream(source.paths[file], FileMode.Open, FileAccess.Read, FileShare.Read, Cifar10.RecordSize);
            stream.Position = local * Cifar10.RecordSize;
            if (stream.ReadAtLeast(record, Cifar10.RecordSize, throwOnEndOfStream: false) < Cifar10.RecordSize)
            {
                throw new InvalidDataException($"CIFAR-10 batch file '{source.paths[file]}' ended inside record {local} (it shrank after it was opened).");
            }

            if (record[0] > 9)
            {
                throw new InvalidDataException($"CIFAR-10 batch file '{source.paths[file]}' record {local} (byte offset {local * Cifar10.RecordSize}) has label {record[0]}; labels must be 0-9.");
            }

            record.AsSpan(1).CopyTo(pixels);
            return record[0];
        }

        public override void Dispose()
        {
            foreach (var s in streams)
            {
                s?.Dispose();
            }
        }
    }
}
