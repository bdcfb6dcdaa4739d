using System.Globalization;
using System.Text;

namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>
/// RFC 4515 escaping of values put into LDAP filters, for the reader's searches and the config service's group-name
/// lookups alike: group DNs and names come from an administrator and ids from the directory, and none of them may
/// change the shape of a filter.
/// </summary>
public static class LdapEscape
{
    /// <summary>Escapes a string assertion value: <c>\ * ( )</c> and NUL become <c>\XX</c>; other characters pass as UTF-8 text.</summary>
    public static string FilterValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append("\\5c"); break;
                case '*': builder.Append("\\2a"); break;
                case '(': builder.Append("\\28"); break;
                case ')': builder.Append("\\29"); break;
                case '\0': builder.Append("\\00"); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Escapes binary data (objectGUID) as <c>\XX</c> for every byte, the only safe form for octet strings.</summary>
    public static string FilterBytes(ReadOnlySpan<byte> value)
    {
        var builder = new StringBuilder(value.Length * 3);
        foreach (var b in value)
        {
            builder.Append('\\').Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
