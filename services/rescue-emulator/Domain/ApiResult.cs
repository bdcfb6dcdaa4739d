using System.Text;

namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>A Rescue API answer: the result code, an optional inline value (createUser's id) and KEY: value blocks.</summary>
public sealed record ApiResult(string Code, string? Inline, IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Blocks)
{
    public static ApiResult Of(string code) => new(code, null, []);

    public static ApiResult Ok(params (string Key, object Value)[] items) => new("OK", null, [ToBlock(items)]);

    public static ApiResult OkInline(string value) => new("OK", value, []);

    public static ApiResult OkBlocks(IEnumerable<(string Key, object Value)[]> blocks) => new("OK", null, [.. blocks.Select(ToBlock)]);

    /// <summary>The contract's emulator format: code on the first line, one item per line, a blank line between blocks.</summary>
    public string Render()
    {
        var text = new StringBuilder(Code);
        if (Inline is not null)
        {
            text.Append(' ').Append(Inline);
        }

        text.Append("\r\n");
        for (var i = 0; i < Blocks.Count; i++)
        {
            if (i > 0)
            {
                text.Append("\r\n");
            }

            foreach (var (key, value) in Blocks[i])
            {
                text.Append(key).Append(": ").Append(value).Append("\r\n");
            }
        }
        return text.ToString();
    }

    private static IReadOnlyList<KeyValuePair<string, string>> ToBlock((string Key, object Value)[] items) =>
        [.. items.Select(item => KeyValuePair.Create(item.Key, Format(item.Value)))];

    // Rescue writes booleans as True/False, like .NET's bool.ToString().
    private static string Format(object value) => value switch
    {
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
