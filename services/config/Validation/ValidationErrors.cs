namespace RescueAdSync.Config.Validation;

/// <summary>Collects field-level errors under their JSON (camelCase) names, the shape ValidationProblem expects.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsValid => errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    public void Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
    }

    public void HttpUrl(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
        else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
        {
            Add(field, "Must be an absolute http:// or https:// URL.");
        }
    }

    public void Email(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
        else if (!System.Net.Mail.MailAddress.TryCreate(value, out var address) || address.Address != value.Trim() || !address.Host.Contains('.', StringComparison.Ordinal))
        {
            Add(field, "Must be an email address.");
        }
    }

    /// <summary>A DN is a comma-separated list of attribute=value pairs; we check that shape, not the schema.</summary>
    public void DistinguishedName(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
        else if (value.Length > 1024)
        {
            Add(field, "At most 1024 characters.");
        }
        else if (IndexOfControl(value) is var at and >= 0)
        {
            Add(field, $"Must not contain control characters (U+{(int)value[at]:X4} at position {at}).");
        }
        else if (!LooksLikeDn(value))
        {
            Add(field, "Must be a distinguished name such as CN=Support,OU=Groups,DC=example,DC=com.");
        }
    }

    /// <summary>Required, at most <paramref name="maxLength"/> characters, no control character (NUL, CR, LF...).</summary>
    public void RequiredText(string field, string? value, int maxLength)
    {
        Required(field, value, maxLength);
        if (!string.IsNullOrWhiteSpace(value) && value.Length <= maxLength && IndexOfControl(value) is var at and >= 0)
        {
            Add(field, $"Must not contain control characters (U+{(int)value[at]:X4} at position {at}).");
        }
    }

    /// <summary>Null or empty, or at most <paramref name="maxLength"/> characters with no control character.</summary>
    public void OptionalText(string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
        else if (IndexOfControl(value) is var at and >= 0)
        {
            Add(field, $"Must not contain control characters (U+{(int)value[at]:X4} at position {at}).");
        }
    }

    public IDictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>A NUL or other control character in a DN is never a real group; it cut LDAP filters and logs short.</summary>
    private static int IndexOfControl(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool LooksLikeDn(string value)
    {
        var start = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i < value.Length && value[i] == '\\')
            {
                i++; // an escaped character, e.g. "\," inside a value
                continue;
            }

            if (i == value.Length || value[i] == ',')
            {
                var rdn = value[start..Math.Min(i, value.Length)];
                var equals = rdn.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || !IsAttributeType(rdn[..equals].Trim()) || rdn[(equals + 1)..].Trim().Length == 0)
                {
                    return false;
                }

                start = i + 1;
            }
        }

        return true;
    }

    /// <summary>
    /// RFC 4514 attribute type: a descriptor (letter, then letters, digits, hyphens) or a numeric OID.
    /// This is what keeps an LDAP filter such as "(&amp;(cn=*))" from passing for a DN.
    /// </summary>
    private static bool IsAttributeType(string type) =>
        type.Length > 0
        && ((char.IsAsciiLetter(type[0]) && type.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            || (char.IsAsciiDigit(type[0]) && type.All(c => char.IsAsciiDigit(c) || c == '.') && !type.EndsWith('.') && !type.Contains("..", StringComparison.Ordinal)));
}
