using System.Text;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>
/// Compares DNs the way directories do for our purposes: attribute types and values case-insensitively, spaces around
/// separators ignored, and the escapes of RFC 4514 honoured, so <c>CN=Doe\, John</c> is one RDN (the common Active
/// Directory form of "Last, First" names) and equals <c>cn=doe\2c john</c>. Servers echo DNs in their stored case and
/// escaping, while administrators type them as they like.
/// </summary>
public static class DistinguishedNames
{
    /// <summary>The canonical form: lower case, no optional spaces, values re-escaped one way, multi-valued RDNs sorted.</summary>
    public static string Normalize(string dn) => string.Join(',', Rdns(dn));

    public static bool AreEqual(string a, string b) => Normalize(a) == Normalize(b);

    /// <summary>Whether <paramref name="dn"/> is <paramref name="baseDn"/> or below it (compared RDN by RDN).</summary>
    public static bool IsUnder(string dn, string baseDn)
    {
        var child = Rdns(dn);
        var parent = Rdns(baseDn);
        return child.Count >= parent.Count && child.Skip(child.Count - parent.Count).SequenceEqual(parent, StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether a changed entry is in a (non-nested) mapping's scope: under the base DN and a direct member of the group.
    /// The entry must have been read with its memberOf.
    /// </summary>
    public static bool IsInScope(LdapEntry entry, string groupDn, string baseDn) =>
        IsUnder(entry.DistinguishedName, baseDn)
        && entry.Values.TryGetValue("memberOf", out var groups)
        && groups.Any(group => AreEqual(group, groupDn));

    /// <summary>
    /// The RDNs of <paramref name="dn"/> in canonical form, most specific first. Parses RFC 4514 (with the RFC 1779
    /// leftovers servers still accept: <c>;</c> as a separator, quoted values); a malformed DN compares by its lower-cased
    /// text rather than throwing, since these are names the directory itself returned or an administrator typed.
    /// </summary>
    public static IReadOnlyList<string> Rdns(string dn)
    {
        var rdns = new List<string>();
        var attributes = new List<string>();
        var position = 0;
        while (position < dn.Length)
        {
            if (ReadAttribute(dn, ref position) is not { } attribute)
            {
                return [dn.Trim().ToLowerInvariant()];
            }

            attributes.Add(attribute);
            if (position >= dn.Length)
            {
                break;
            }

            var separator = dn[position++];
            if (separator is ',' or ';')
            {
                rdns.Add(Rdn(attributes));
                attributes.Clear();
            }
        }

        if (attributes.Count > 0)
        {
            rdns.Add(Rdn(attributes));
        }

        return rdns;
    }

    private static string Rdn(List<string> attributes) =>
        attributes.Count == 1 ? attributes[0] : string.Join('+', attributes.Order(StringComparer.Ordinal));

    /// <summary>Reads <c>type=value</c> up to the next unescaped <c>, ; +</c> (left at <paramref name="position"/>).</summary>
    private static string? ReadAttribute(string dn, ref int position)
    {
        var equals = dn.IndexOf('=', position);
        if (equals < 0)
        {
            return null;
        }

        var type = dn[position..equals].Trim().ToLowerInvariant();
        if (type.Length == 0)
        {
            return null;
        }

        position = equals + 1;
        while (position < dn.Length && dn[position] == ' ')
        {
            position++;
        }

        var value = position < dn.Length && dn[position] == '"' ? ReadQuoted(dn, ref position) : ReadPlain(dn, ref position);
        if (value is null)
        {
            return null;
        }

        return $"{type}={Escape(value.ToLowerInvariant())}";
    }

    private static string? ReadPlain(string dn, ref int position)
    {
        var value = new StringBuilder();
        var bytes = new List<byte>();
        var keep = 0; // the length up to the last escaped character: escaped trailing spaces stay
        while (position < dn.Length && dn[position] is not (',' or ';' or '+'))
        {
            var c = dn[position];
            if (c != '\\')
            {
                Flush(bytes, value);
                value.Append(c);
                position++;
                continue;
            }

            if (position + 1 >= dn.Length)
            {
                return null; // a trailing lone backslash
            }

            if (position + 2 < dn.Length && IsHex(dn[position + 1]) && IsHex(dn[position + 2]))
            {
                bytes.Add(Convert.ToByte(dn.Substring(position + 1, 2), 16));
                position += 3;
            }
            else
            {
                Flush(bytes, value);
                value.Append(dn[position + 1]);
                position += 2;
            }

            Flush(bytes, value, onlyComplete: true);
            keep = value.Length;
        }

        Flush(bytes, value);
        var text = value.ToString();
        var end = text.Length;
        while (end > keep && text[end - 1] == ' ')
        {
            end--;
        }

        return text[..end];
    }

    private static string? ReadQuoted(string dn, ref int position)
    {
        var value = new StringBuilder();
        position++; // the opening quote
        while (position < dn.Length && dn[position] != '"')
        {
            if (dn[position] == '\\' && position + 1 < dn.Length)
            {
                position++;
            }

            value.Append(dn[position++]);
        }

        if (position >= dn.Length)
        {
            return null; // no closing quote
        }

        position++;
        while (position < dn.Length && dn[position] == ' ')
        {
            position++;
        }

        return value.ToString();
    }

    /// <summary>Hex-escaped bytes are UTF-8 (<c>\C3\A9</c> is é); they become text once a sequence is complete.</summary>
    private static void Flush(List<byte> bytes, StringBuilder value, bool onlyComplete = false)
    {
        if (bytes.Count == 0 || (onlyComplete && !IsCompleteUtf8(bytes)))
        {
            return;
        }

        value.Append(Encoding.UTF8.GetString([.. bytes]));
        bytes.Clear();
    }

    private static bool IsCompleteUtf8(List<byte> bytes)
    {
        var lead = bytes[0];
        var length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return bytes.Count >= length;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    /// <summary>One escaping for every value: the RFC 4514 specials with a backslash, control characters as hex.</summary>
    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 4);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' || (c == '#' && i == 0) || (c == ' ' && (i == 0 || i == value.Length - 1)))
            {
                escaped.Append('\\').Append(c);
            }
            else if (char.IsControl(c))
            {
                escaped.Append('\\').Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
