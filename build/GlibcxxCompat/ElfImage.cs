using System.Buffers.Binary;
using System.Text;

namespace ClassyNet.Build.GlibcxxCompat;

/// <summary>
/// The parts of a 64-bit little-endian ELF shared object that symbol versioning uses: the section headers, the dynamic
/// symbol table with its version indices (.gnu.version), the version needs (.gnu.version_r), the version definitions
/// (.gnu.version_d) and the relocation tables. Reads a byte array and checks every offset against its length, so a
/// truncated or foreign file gives an <see cref="InvalidDataException"/> naming the file and the structure.
/// </summary>
internal sealed class ElfImage
{
    private const uint ShtRela = 4, ShtRel = 9, ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;

    private readonly byte[] _bytes;
    private readonly string _name;
    private readonly Section[] _sections;

    /// <summary>Parses <paramref name="bytes"/>; <paramref name="name"/> names the file in errors.</summary>
    public ElfImage(byte[] bytes, string name)
    {
        _bytes = bytes;
        _name = name;
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw Invalid("it does not start with the ELF magic number 7f 45 4c 46");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw Invalid($"it is ELF class {bytes[4]}, data encoding {bytes[5]}; only 64-bit little-endian (class 2, encoding 1) is supported");
        }

        ulong shoff = U64(0x28);
        int shentsize = U16(0x3a), shnum = U16(0x3c);
        if (shentsize != 64 || shnum == 0)
        {
            throw Invalid($"its section header table has entry size {shentsize} and {shnum} entries (expected 64-byte entries)");
        }

        _sections = new Section[shnum];
        for (int i = 0; i < shnum; i++)
        {
            int at = Offset(shoff + (ulong)(i * 64), 64, "section header");
            _sections[i] = new Section(U32(at + 4), U64(at + 0x18), U64(at + 0x20), U32(at + 0x28), U64(at + 0x38));
        }

        int dynsym = FindSection(ShtDynsym);
        if (dynsym < 0)
        {
            throw Invalid("it has no dynamic symbol table (.dynsym)");
        }

        DynamicSymbols = ReadSymbols(dynsym);
        VersionNeeds = ReadVersionNeeds();
        VersionDefinitions = ReadVersionDefinitions();
        RelocatedSymbols = ReadRelocatedSymbols(dynsym);
    }

    /// <summary>Dynamic symbols in table order with their version index (0 local, 1 global, else a need or definition).</summary>
    public IReadOnlyList<ElfSymbol> DynamicSymbols { get; }

    /// <summary>Version needs (.gnu.version_r): one per required version of each needed library.</summary>
    public IReadOnlyList<ElfVersionNeed> VersionNeeds { get; }

    /// <summary>Version names this object defines (.gnu.version_d), e.g. GLIBCXX_3.4.30 for libstdc++.</summary>
    public IReadOnlySet<string> VersionDefinitions { get; }

    /// <summary>Indices into <see cref="DynamicSymbols"/> of every symbol some relocation refers to.</summary>
    public IReadOnlySet<int> RelocatedSymbols { get; }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static ElfImage Load(string path) => new(File.ReadAllBytes(path), path);

    private int FindSection(uint type) => Array.FindIndex(_sections, s => s.Type == type);

    private IReadOnlyList<ElfSymbol> ReadSymbols(int dynsym)
    {
        var table = _sections[dynsym];
        uint strings = table.Link;
        int count = EntryCount(table, 24, ".dynsym");
        int versym = FindSection(ShtGnuVersym);
        var symbols = new ElfSymbol[count];
        for (int i = 0; i < count; i++)
        {
            int at = Offset(table.Offset + (ulong)(i * 24), 24, "dynamic symbol");
            ushort version = versym < 0 ? (ushort)1 : (ushort)(U16(Offset(_sections[versym].Offset + (ulong)(i * 2), 2, "symbol version")) & 0x7fff);
            symbols[i] = new ElfSymbol(i, String(strings, U32(at)), version);
        }

        return symbols;
    }

    private IReadOnlyList<ElfVersionNeed> ReadVersionNeeds()
    {
        int section = FindSection(ShtGnuVerneed);
        var needs = new List<ElfVersionNeed>();
        if (section < 0)
        {
            return needs;
        }

        var s = _sections[section];
        ulong at = s.Offset;
        for (int file = 0; file < 4096; file++)
        {
            int need = Offset(at, 16, "version need");
            string library = String(s.Link, U32(need + 4));
            ulong aux = at + U32(need + 8);
            for (int k = 0, count = U16(need + 2); k < count; k++)
            {
                int entry = Offset(aux, 16, "version need entry");
                needs.Add(new ElfVersionNeed(library, String(s.Link, U32(entry + 8)), U16(entry + 6), U16(entry + 4), entry));
                uint next = U32(entry + 12);
                if (next == 0)
                {
                    break;
                }

                aux += next;
            }

            uint nextFile = U32(need + 12);
            if (nextFile == 0)
            {
                return needs;
            }

            at += nextFile;
        }

        throw Invalid(".gnu.version_r has more than 4096 libraries or a cycle");
    }

    private IReadOnlySet<string> ReadVersionDefinitions()
    {
        int section = FindSection(ShtGnuVerdef);
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (section < 0)
        {
            return names;
        }

        var s = _sections[section];
        ulong at = s.Offset;
        for (int i = 0; i < 65536; i++)
        {
            int def = Offset(at, 20, "version definition");
            if (U16(def + 6) > 0)
            {
                // The first auxiliary entry names the version itself; the others name its predecessors.
                names.Add(String(s.Link, U32(Offset(at + U32(def + 12), 8, "version definition name"))));
            }

            uint next = U32(def + 16);
            if (next == 0)
            {
                return names;
            }

            at += next;
        }

        throw Invalid(".gnu.version_d has more than 65536 entries or a cycle");
    }

    private IReadOnlySet<int> ReadRelocatedSymbols(int dynsym)
    {
        var used = new HashSet<int>();
        foreach (var s in _sections.Where(s => (s.Type is ShtRela or ShtRel) && s.Link == dynsym))
        {
            int size = s.Type == ShtRela ? 24 : 16;
            for (int i = 0, count = EntryCount(s, size, "relocation table"); i < count; i++)
            {
                ulong info = U64(Offset(s.Offset + (ulong)(i * size), size, "relocation") + 8);
                int symbol = (int)(info >> 32);
                if (symbol != 0)
                {
                    used.Add(symbol);
                }
            }
        }

        return used;
    }

    /// <summary>How many <paramref name="entrySize"/>-byte entries section <paramref name="s"/> holds, after checking it lies inside the file.</summary>
    private int EntryCount(Section s, int entrySize, string what) =>
        s.Offset <= (ulong)_bytes.Length && s.Size <= (ulong)_bytes.Length - s.Offset
            ? (int)(s.Size / (ulong)entrySize)
            : throw Invalid($"its {what} (offset {s.Offset}, {s.Size} bytes) runs past the end of the file ({_bytes.Length} bytes)");

    private string String(uint section, uint offset)
    {
        if (section >= _sections.Length)
        {
            throw Invalid($"a string table index {section} is outside the {_sections.Length} sections");
        }

        var table = _sections[section];
        if (offset >= table.Size)
        {
            throw Invalid($"a name at offset {offset} lies outside its string table ({table.Size} bytes)");
        }

        int start = Offset(table.Offset + offset, 1, "string");
        int end = Array.IndexOf(_bytes, (byte)0, start, (int)Math.Min((ulong)(_bytes.Length - start), table.Size - offset));
        if (end < 0)
        {
            throw Invalid($"the name at offset {offset} of a string table is not terminated");
        }

        return Encoding.ASCII.GetString(_bytes, start, end - start);
    }

    private int Offset(ulong offset, int length, string what) =>
        offset <= (ulong)(_bytes.Length - length) ? (int)offset : throw Invalid($"a {what} at offset {offset} runs past the end of the file ({_bytes.Length} bytes)");

    private ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(at));

    private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(at));

    private ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan(at));

    private InvalidDataException Invalid(string reason) => new($"'{_name}' is not a usable ELF shared object: {reason}.");

    private readonly record struct Section(uint Type, ulong Offset, ulong Size, uint Link, ulong EntrySize);
}
