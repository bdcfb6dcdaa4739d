using System.Text.RegularExpressions;

namespace RescueAdSync.ServiceDefaults.Rescue;

/// <summary>
/// Tolerant parser for Rescue's text answers (the Rescue API contract's "Responses"): the code first, then
/// <c>KEY: value</c> items separated by spaces, single or blank lines, CRLF or LF, keys in any case.
/// A blank line, or a key seen again, starts a new block (one block per hierarchy node).
/// </summary>
public static partial class RescueResponseParser
{
    // Keys the contract documents. In the space-separated style a value can contain spaces, so only these
    // (followed by a colon) are taken as the start of the next item; an unknown word with a colon stays in the value.
    private static readonly string[] KnownKeys =
    [
        "AUTHCODE", "ACCOUNTID", "ORGANIZATION", "ADMINID", "TECHID", "EMAIL", "NODEID", "PARENTID", "NAME", "NICK", "SSOID",
        "DESCRIPTION", "STATUS", "TYPE", "HASMOBILEADDON", "HASRPATADDON", "ISACCOUNTHOLDER", "MUSTCHANGEPASSWORD",
        "ISENABLED", "STANDARDCONCURRENTLIMIT", "MOBILECONCURRENTLIMIT",
    ];

    private static readonly Regex NextKnownKey = new(
        @"\s+(?<key>" + string.Join('|', KnownKeys) + @")\s*:(?=\s|$)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public static RescueResponse Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new RescueResponseFormatException("The Rescue API answered with an empty body.");
        }

        var text = body.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith('<'))
        {
            throw new RescueResponseFormatException($"The Rescue API answered with an HTML/XML page{DescribeTitle(text)} instead of a result code; check the base URL.");
        }

        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var first = lines[0].Trim();
        var codeMatch = CodePattern().Match(first);
        if (!codeMatch.Success)
        {
            throw new RescueResponseFormatException("The Rescue API answer does not start with a result code.");
        }

        var code = codeMatch.Groups["code"].Value.ToUpperInvariant();
        var blocks = new List<IReadOnlyDictionary<string, string>>();
        var current = NewBlock();
        string? inline = null;

        var rest = first[codeMatch.Length..].Trim();
        if (rest.Length > 0)
        {
            if (ItemPattern().IsMatch(rest))
            {
                ParseItems(rest, ref current, blocks);
            }
            else
            {
                inline = rest;
            }
        }
        foreach (var raw in lines.Skip(1))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                Close(ref current, blocks);
            }
            else
            {
                ParseItems(line, ref current, blocks);
            }
        }
        Close(ref current, blocks);

        var values = blocks.Count > 0 ? blocks[0] : NewBlock();
        return new RescueResponse(code, inline, values, blocks);
    }

    private static void ParseItems(string line, ref Dictionary<string, string> current, List<IReadOnlyDictionary<string, string>> blocks)
    {
        var item = ItemPattern().Match(line);
        if (!item.Success)
        {
            throw new RescueResponseFormatException($"The Rescue API answer is truncated or malformed: an item without 'KEY:' ({Describe(line)}).");
        }

        var key = item.Groups["key"].Value;
        // Several items on one line: split at each documented key. The search goes on from where the last key ended,
        // never from a copy of the rest: a whole hierarchy can arrive on one line, and copying it once per item took
        // minutes for a large organization.
        var position = item.Groups["value"].Index;
        for (var next = NextKnownKey.Match(line, position); next.Success; next = NextKnownKey.Match(line, position))
        {
            Add(key, line[position..next.Index], ref current, blocks);
            key = next.Groups["key"].Value;
            position = next.Index + next.Length;
        }
        Add(key, line[position..], ref current, blocks);
    }

    private static void Add(string key, string value, ref Dictionary<string, string> current, List<IReadOnlyDictionary<string, string>> blocks)
    {
        // A key seen again means the next node began without a blank line (hierarchy in the one-line style).
        if (current.ContainsKey(key))
        {
            Close(ref current, blocks);
        }

        current[key] = value.Trim();
    }

    private static void Close(ref Dictionary<string, string> current, List<IReadOnlyDictionary<string, string>> blocks)
    {
        if (current.Count == 0)
        {
            return;
        }

        blocks.Add(current);
        current = NewBlock();
    }

    private static Dictionary<string, string> NewBlock() => new(StringComparer.OrdinalIgnoreCase);

    // A fragment for the error message: short, and only the key part, because values may be personal data.
    private static string Describe(string line)
    {
        var word = line.Split(' ', 2)[0];
        return word.Length > 40 ? $"'{word[..40]}…'" : $"'{word}'";
    }

    private static string DescribeTitle(string html)
    {
        var title = TitlePattern().Match(html);
        return title.Success ? $" (\"{title.Groups["title"].Value.Trim()}\")" : "";
    }

    [GeneratedRegex(@"^(?<code>[A-Za-z][A-Za-z0-9_]*)(?=\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^(?<key>[A-Za-z][A-Za-z0-9_]*)\s*:(?<value>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ItemPattern();

    [GeneratedRegex(@"<title[^>]*>(?<title>[^<]{0,100})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TitlePattern();
}
