namespace ClassyNet.MLNet.Losses;

/// <summary>
/// The priority classes of each exit (S_1..S_M) and the Bag-of-Classes relabelling of eq. 1/4. With BoC on, a
/// non-final exit whose set is not all classes has |S_m| + 1 outputs: one per class of S_m in the order given, then the
/// bag b_m (always the last output). With BoC off every exit has K outputs in class order and S_m only says which
/// classes the exit favours (used by cost matrices). The final exit answers for all K classes and has no bag. Labels
/// are class indices in [0, K).
/// </summary>
/// <remarks>
/// Sets are given as class indices (<c>Incremental([[9], [8]], classCount: 10)</c>) or as class names
/// (<c>Incremental([["Ankle boot"], ["Bag"]], FashionMnist.ClassNames)</c>): named sets keep their
/// <see cref="ClassNames"/>, and the ClassyNet trainer and <c>MapBagOfClasses</c> match them to the label's KeyValues by
/// name.
/// </remarks>
public sealed class ExitClassSets
{
    private readonly int[][] _sets;
    private readonly int[][] _outputs;     // [exit][output] -> original class (-1 for the bag)
    private readonly int[][] _exitLabelOf; // [exit][original class] -> exit output index
    private readonly string[]? _names;

    private ExitClassSets(int classCount, int[][] sets, ExitClassScheme scheme, bool bagOfClasses, string[]? names)
    {
        ClassCount = classCount;
        _names = names;
        _sets = sets;
        Scheme = scheme;
        BagOfClasses = bagOfClasses;
        _outputs = new int[sets.Length][];
        _exitLabelOf = new int[sets.Length][];
        for (int m = 0; m < sets.Length; m++)
        {
            bool bag = bagOfClasses && m < sets.Length - 1 && sets[m].Length < classCount;
            _outputs[m] = bag ? [.. sets[m], -1] : Enumerable.Range(0, classCount).ToArray();
            var map = new int[classCount];
            Array.Fill(map, bag ? sets[m].Length : -1);
            for (int i = 0; i < _outputs[m].Length; i++)
            {
                if (_outputs[m][i] >= 0)
                {
                    map[_outputs[m][i]] = i;
                }
            }

            _exitLabelOf[m] = map;
        }
    }

    /// <summary>Number of original classes K.</summary>
    public int ClassCount { get; }

    /// <summary>Number of exits M (early exits plus the final one).</summary>
    public int ExitCount => _sets.Length;

    /// <summary>How the sets were built.</summary>
    public ExitClassScheme Scheme { get; }

    /// <summary>Whether non-target classes are relabelled into a bag at the early exits (BoC on).</summary>
    public bool BagOfClasses { get; }

    /// <summary>
    /// The class names the sets were given in (class c is <c>ClassNames[c]</c>), or null when they were given as class
    /// indices (label values).
    /// </summary>
    public IReadOnlyList<string>? ClassNames => _names;

    /// <summary>True when some early exit actually has a bag output.</summary>
    public bool UsesBagOfClasses => Enumerable.Range(0, ExitCount).Any(HasBag);

    /// <summary>
    /// BranchyNet: every one of <paramref name="exitCount"/> exits answers for all <paramref name="classCount"/> classes.
    /// </summary>
    public static ExitClassSets AllClasses(int exitCount, int classCount)
    {
        CheckCounts(exitCount, classCount);
        var all = Enumerable.Range(0, classCount).ToArray();
        return new ExitClassSets(classCount, Enumerable.Repeat(all, exitCount).Select(a => (int[])a.Clone()).ToArray(), ExitClassScheme.AllClasses, bagOfClasses: false, names: null);
    }

    /// <summary>
    /// MC scheme: <paramref name="earlyExitSets"/>[m] is S_(m+1) for the early exits (pairwise disjoint); the final exit,
    /// added after them, answers for all classes. With <paramref name="bagOfClasses"/> false the exits keep K outputs and
    /// the sets only mark priority classes (cost-sensitive training without BoC).
    /// </summary>
    public static ExitClassSets MutuallyExclusive(IReadOnlyList<IReadOnlyList<int>> earlyExitSets, int classCount, bool bagOfClasses = true) =>
        CreateMutuallyExclusive(earlyExitSets, classCount, bagOfClasses, names: null, nameof(earlyExitSets));

    /// <summary>
    /// MC scheme by class name: <paramref name="earlyExitSets"/>[m] names the classes of S_(m+1) among
    /// <paramref name="classNames"/> (the label's values, e.g. <c>FashionMnist.ClassNames</c> or an image folder's
    /// <c>ClassNames</c>). A name that is not in <paramref name="classNames"/> is refused with the known names listed.
    /// </summary>
    public static ExitClassSets MutuallyExclusive(IReadOnlyList<IReadOnlyList<string>> earlyExitSets, IReadOnlyList<string> classNames, bool bagOfClasses = true)
    {
        var names = CheckNames(classNames);
        return CreateMutuallyExclusive(ToIndices(earlyExitSets, names, nameof(earlyExitSets)), names.Length, bagOfClasses, names, nameof(earlyExitSets));
    }

    /// <summary>
    /// IC scheme from the classes each early exit adds: exit m answers for the union of
    /// <paramref name="addedAtEachExit"/>[0..m]. <c>Incremental([[9], [8]], 10)</c> gives S_1 = {9}, S_2 = {9, 8}, S_3 = all.
    /// </summary>
    public static ExitClassSets Incremental(IReadOnlyList<IReadOnlyList<int>> addedAtEachExit, int classCount, bool bagOfClasses = true) =>
        CreateIncremental(addedAtEachExit, classCount, bagOfClasses, names: null, nameof(addedAtEachExit));

    /// <summary>
    /// IC scheme by class name: <c>Incremental([["Ankle boot"], ["Bag"]], FashionMnist.ClassNames)</c> gives
    /// S_1 = {Ankle boot}, S_2 = {Ankle boot, Bag}, S_3 = all. A name that is not in <paramref name="classNames"/> is
    /// refused with the known names listed.
    /// </summary>
    public static ExitClassSets Incremental(IReadOnlyList<IReadOnlyList<string>> addedAtEachExit, IReadOnlyList<string> classNames, bool bagOfClasses = true)
    {
        var names = CheckNames(classNames);
        return CreateIncremental(ToIndices(addedAtEachExit, names, nameof(addedAtEachExit)), names.Length, bagOfClasses, names, nameof(addedAtEachExit));
    }

    /// <summary>
    /// IC scheme from the full sets S_1 ⊂ S_2 ⊂ ... of the early exits; checks that each set contains the previous one.
    /// </summary>
    public static ExitClassSets IncrementalFromSets(IReadOnlyList<IReadOnlyList<int>> earlyExitSets, int classCount, bool bagOfClasses = true) =>
        CreateIncrementalFromSets(earlyExitSets, classCount, bagOfClasses, names: null, nameof(earlyExitSets));

    /// <summary>IC scheme from the full sets of the early exits, by class name (see <see cref="Incremental(IReadOnlyList{IReadOnlyList{string}}, IReadOnlyList{string}, bool)"/>).</summary>
    public static ExitClassSets IncrementalFromSets(IReadOnlyList<IReadOnlyList<string>> earlyExitSets, IReadOnlyList<string> classNames, bool bagOfClasses = true)
    {
        var names = CheckNames(classNames);
        return CreateIncrementalFromSets(ToIndices(earlyExitSets, names, nameof(earlyExitSets)), names.Length, bagOfClasses, names, nameof(earlyExitSets));
    }

    /// <summary>The priority classes of exit <paramref name="exit"/> answers for, in output order.</summary>
    public IReadOnlyList<int> ClassesAt(int exit) => _sets[CheckExit(exit)];

    /// <summary>True when exit <paramref name="exit"/> has a bag output (BoC on, a non-final exit that does not cover all classes).</summary>
    public bool HasBag(int exit) => _outputs[CheckExit(exit)][^1] < 0;

    /// <summary>Number of logits of exit <paramref name="exit"/>: |S_m| + 1 with a bag, K otherwise.</summary>
    public int OutputCount(int exit) => _outputs[CheckExit(exit)].Length;

    /// <summary>Index of the bag output of exit <paramref name="exit"/>, or -1 when it has none.</summary>
    public int BagIndex(int exit) => HasBag(exit) ? _outputs[exit].Length - 1 : -1;

    /// <summary>The original class of each output of exit <paramref name="exit"/>, in output order; -1 for the bag (always the last).</summary>
    public ReadOnlySpan<int> OutputClasses(int exit) => _outputs[CheckExit(exit)];

    /// <summary>Logit counts of all exits.</summary>
    public int[] OutputCounts() => Enumerable.Range(0, ExitCount).Select(OutputCount).ToArray();

    /// <summary>Eq. 1/4: the exit label of original class <paramref name="label"/> at exit <paramref name="exit"/> (its index in S_m, or the bag index).</summary>
    public int ToExitLabel(int exit, int label)
    {
        CheckLabel(label, nameof(label));
        return _exitLabelOf[CheckExit(exit)][label];
    }

    /// <summary>Relabels a batch of original labels for exit <paramref name="exit"/>.</summary>
    public int[] ToExitLabels(int exit, ReadOnlySpan<int> labels)
    {
        var map = _exitLabelOf[CheckExit(exit)];
        var result = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            CheckLabel(labels[i], $"labels[{i}]");
            result[i] = map[labels[i]];
        }

        return result;
    }

    /// <summary>The original class of output <paramref name="output"/> of exit <paramref name="exit"/>, or -1 for the bag.</summary>
    public int ToOriginalClass(int exit, int output)
    {
        var outputs = _outputs[CheckExit(exit)];
        if (output < 0 || output >= outputs.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(output), output, $"Exit {exit} has {outputs.Length} outputs.");
        }

        return outputs[output];
    }

    /// <summary>True when original class <paramref name="label"/> is a priority class of exit <paramref name="exit"/>.</summary>
    public bool Contains(int exit, int label) => Array.IndexOf(_sets[CheckExit(exit)], label) >= 0;

    /// <summary>Readable form, e.g. <c>IC: E1 {9} | E2 {9, 8} | E3 all</c>.</summary>
    public override string ToString() =>
        $"{Scheme}: " + string.Join(" | ", Enumerable.Range(0, ExitCount).Select(m =>
            $"E{m + 1} " + (_sets[m].Length == ClassCount ? "all" : "{" + Describe(_sets[m], _names) + "}"))) + (BagOfClasses ? string.Empty : " (no bag)");

    /// <summary>
    /// The same scheme with every class c renamed to <paramref name="map"/>(c) (a bijection of [0, K)), keeping each set's
    /// output order; used to move sets given in a label's values into the key order of a label column.
    /// </summary>
    internal ExitClassSets MapClasses(Func<int, int> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var early = _sets[..^1].Select(s => (IReadOnlyList<int>)s.Select(map).ToArray()).ToArray();
        return FromParts(Scheme, ClassCount, BagOfClasses, early);
    }

    /// <summary>
    /// Rebuilds sets from their scheme, class count, bag flag, early-exit sets (the final exit is added) and, for named
    /// sets, the class names.
    /// </summary>
    internal static ExitClassSets FromParts(ExitClassScheme scheme, int classCount, bool bagOfClasses, IReadOnlyList<IReadOnlyList<int>> earlyExitSets, IReadOnlyList<string>? classNames = null)
    {
        var names = classNames is null ? null : CheckNames(classNames);
        if (names is not null && names.Length != classCount)
        {
            throw new ArgumentException($"{names.Length} class names for {classCount} classes.", nameof(classNames));
        }

        return scheme switch
        {
            ExitClassScheme.AllClasses => AllClasses(earlyExitSets.Count + 1, classCount),
            ExitClassScheme.MutuallyExclusive => CreateMutuallyExclusive(earlyExitSets, classCount, bagOfClasses, names, nameof(earlyExitSets)),
            _ => CreateIncrementalFromSets(earlyExitSets, classCount, bagOfClasses, names, nameof(earlyExitSets)),
        };
    }

    private static ExitClassSets CreateMutuallyExclusive(IReadOnlyList<IReadOnlyList<int>> earlyExitSets, int classCount, bool bagOfClasses, string[]? names, string argument)
    {
        var sets = CheckEarlySets(earlyExitSets, classCount, argument, names);
        for (int i = 0; i < sets.Count; i++)
        {
            for (int j = i + 1; j < sets.Count; j++)
            {
                var common = sets[i].Intersect(sets[j]).ToArray();
                if (common.Length > 0)
                {
                    throw new ArgumentException(
                        $"MC scheme needs pairwise disjoint sets, but exit {i + 1} {{{Describe(sets[i], names)}}} and exit {j + 1} {{{Describe(sets[j], names)}}} share class(es) {Describe(common, names)}.",
                        argument);
                }
            }
        }

        return WithFinal(sets, classCount, ExitClassScheme.MutuallyExclusive, bagOfClasses, names);
    }

    private static ExitClassSets CreateIncremental(IReadOnlyList<IReadOnlyList<int>> addedAtEachExit, int classCount, bool bagOfClasses, string[]? names, string argument)
    {
        var added = CheckEarlySets(addedAtEachExit, classCount, argument, names);
        var sets = new List<int[]>();
        var union = new List<int>();
        for (int m = 0; m < added.Count; m++)
        {
            foreach (int c in added[m])
            {
                if (union.Contains(c))
                {
                    throw new ArgumentException($"IC scheme: class {Describe([c], names)} is added at exit {m + 1} but an earlier exit already answers for it.", argument);
                }

                union.Add(c);
            }

            sets.Add(union.ToArray());
        }

        return WithFinal(sets, classCount, ExitClassScheme.Incremental, bagOfClasses, names);
    }

    private static ExitClassSets CreateIncrementalFromSets(IReadOnlyList<IReadOnlyList<int>> earlyExitSets, int classCount, bool bagOfClasses, string[]? names, string argument)
    {
        var sets = CheckEarlySets(earlyExitSets, classCount, argument, names);
        for (int m = 1; m < sets.Count; m++)
        {
            var lost = sets[m - 1].Except(sets[m]).ToArray();
            if (lost.Length > 0)
            {
                throw new ArgumentException(
                    $"IC scheme needs S_{m} ⊆ S_{m + 1}, but exit {m + 1} {{{Describe(sets[m], names)}}} drops class(es) {Describe(lost, names)} of exit {m}.",
                    argument);
            }
        }

        return WithFinal(sets, classCount, ExitClassScheme.Incremental, bagOfClasses, names);
    }

    private static ExitClassSets WithFinal(List<int[]> early, int classCount, ExitClassScheme scheme, bool bagOfClasses, string[]? names)
    {
        early.Add(Enumerable.Range(0, classCount).ToArray());
        return new ExitClassSets(classCount, early.ToArray(), scheme, bagOfClasses, names);
    }

    /// <summary>Classes as text: their names for named sets ("Ankle boot, Bag"), else their indices ("9, 8").</summary>
    private static string Describe(IEnumerable<int> classes, string[]? names) =>
        string.Join(", ", classes.Select(c => names is null ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : names[c]));

    /// <summary>Checks a class-name list: at least two names, none null or empty, no name twice.</summary>
    private static string[] CheckNames(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        var names = classNames.ToArray();
        if (names.Length < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classNames), names.Length, $"classNames has {names.Length} name(s); a classifier needs at least 2 classes.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrEmpty(names[i]))
            {
                throw new ArgumentException($"classNames[{i}] is {(names[i] is null ? "null" : "empty")}; every class needs a name.", nameof(classNames));
            }

            if (!seen.Add(names[i]))
            {
                throw new ArgumentException($"classNames lists '{names[i]}' twice; class names must be unique.", nameof(classNames));
            }
        }

        return names;
    }

    /// <summary>
    /// The class indices of named sets; a name that is not in <paramref name="names"/> throws, naming the set and listing
    /// the known names (and the one it differs from only in case, if any).
    /// </summary>
    private static IReadOnlyList<int>[] ToIndices(IReadOnlyList<IReadOnlyList<string>> sets, string[] names, string argument)
    {
        ArgumentNullException.ThrowIfNull(sets, argument);
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var result = new IReadOnlyList<int>[sets.Count];
        for (int m = 0; m < sets.Count; m++)
        {
            var set = sets[m] ?? throw new ArgumentNullException(argument, $"{argument}[{m}] is null.");
            result[m] = set.Select(name =>
            {
                if (name is not null && index.TryGetValue(name, out int c))
                {
                    return c;
                }

                string? near = name is null ? null : names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
                throw new ArgumentException(
                    $"{argument}[{m}] (exit {m + 1}) names class '{name}', which is not one of the {names.Length} class names: {string.Join(", ", names.Select(n => $"'{n}'"))}." +
                    (near is null ? string.Empty : $" Did you mean '{near}'?"),
                    argument);
            }).ToArray();
        }

        return result;
    }

    private static List<int[]> CheckEarlySets(IReadOnlyList<IReadOnlyList<int>> sets, int classCount, string argument, string[]? names)
    {
        ArgumentNullException.ThrowIfNull(sets, argument);
        CheckCounts(sets.Count + 1, classCount);
        var result = new List<int[]>();
        for (int m = 0; m < sets.Count; m++)
        {
            var set = sets[m] ?? throw new ArgumentNullException(argument, $"{argument}[{m}] is null.");
            if (set.Count == 0)
            {
                throw new ArgumentException($"{argument}[{m}] (exit {m + 1}) is empty; every early exit needs at least one class.", argument);
            }

            var seen = new HashSet<int>();
            foreach (int c in set)
            {
                if (c < 0 || c >= classCount)
                {
                    throw new ArgumentOutOfRangeException(argument, c, $"{argument}[{m}] (exit {m + 1}) names class {c}, outside [0, {classCount}).");
                }

                if (!seen.Add(c))
                {
                    throw new ArgumentException($"{argument}[{m}] (exit {m + 1}) lists class {Describe([c], names)} twice.", argument);
                }
            }

            result.Add(set.ToArray());
        }

        return result;
    }

    private static void CheckCounts(int exitCount, int classCount)
    {
        if (exitCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(exitCount), exitCount, "A network needs at least one exit.");
        }

        if (classCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "classCount must be at least 2.");
        }
    }

    private int CheckExit(int exit)
    {
        if ((uint)exit >= (uint)ExitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(exit), exit, $"Exit index must be in [0, {ExitCount}).");
        }

        return exit;
    }

    private void CheckLabel(int label, string argument)
    {
        if ((uint)label >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(argument, label, $"Label {label} is outside [0, {ClassCount}).");
        }
    }
}
