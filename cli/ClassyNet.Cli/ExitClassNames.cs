using System.Globalization;

namespace ClassyNet.Cli;

/// <summary>
/// Class names in <c>--exit-classes</c>: "Ankle boot;Bag" for data with named classes (Fashion-MNIST, CIFAR-10, CSV
/// labels, image folders). A part that is a class name is that class, otherwise it is read as a class index.
/// </summary>
internal static class ExitClassNames
{
    /// <summary>
    /// <paramref name="text"/> with every class name replaced by its index in <paramref name="classNames"/>; a part that
    /// is neither a name nor an integer is refused with the known names listed.
    /// </summary>
    public static string ToIndices(string text, IReadOnlyList<string> classNames)
    {
        return string.Join(";", text.Split(';').Select(group => string.Join(",", group.Split(',').Select(part =>
        {
            string name = part.Trim();
            int index = IndexOf(classNames, name, StringComparison.Ordinal);
            if (index >= 0)
            {
                return index.ToString(CultureInfo.InvariantCulture);
            }

            if (name.Length == 0 || int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                return name;
            }

            int near = IndexOf(classNames, name, StringComparison.OrdinalIgnoreCase);
            throw new CliException($"--exit-classes \"{text}\": '{name}' is not a class index or a class name of the data; its classes are {string.Join(", ", classNames.Select(n => $"'{n}'"))}." +
                (near >= 0 ? $" Did you mean '{classNames[near]}'?" : string.Empty));
        }))));
    }

    private static int IndexOf(IReadOnlyList<string> names, string name, StringComparison comparison)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, comparison))
            {
                return i;
            }
        }

        return -1;
    }
}
