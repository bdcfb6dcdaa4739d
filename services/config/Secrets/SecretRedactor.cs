using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RescueAdSync.Config.Secrets;

/// <summary>
/// Masks known secrets in a text: as written, and as a JSON writer escapes them (a secret with '+' or '"' reads
/// "\u002B" or "\"" inside JSON). A text that is a JSON document is masked inside its string values only, so it
/// stays a valid document of the same shape.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>Shorter values would mask ordinary words; real secrets are longer.</summary>
    public const int MinimumLength = 4;

    public static readonly SecretRedactor None = new([]);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string[] secrets;
    private readonly string[] variants;
    private readonly SearchValues<string>? search;

    public SecretRedactor(IEnumerable<string> secrets)
    {
        // Longest first, so a secret containing another is masked whole.
        this.secrets = [.. secrets.Where(s => s.Length >= MinimumLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
        variants = [.. this.secrets
            .SelectMany(s => new[] { s, JsonEncodedText.Encode(s).Value, JsonEncodedText.Encode(s, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value })
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)];
        search = variants.Length == 0 ? null : SearchValues.Create(variants, StringComparison.Ordinal);
    }

    /// <summary>The text with every secret masked; the same instance when it holds none. Never longer than the text.</summary>
    public string Redact(string text)
    {
        if (search is null || !text.AsSpan().ContainsAny(search))
        {
            return text;
        }

        return RedactJson(text) ?? Replace(text, variants);
    }

    private static string Replace(string text, string[] values)
    {
        foreach (var value in values)
        {
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Null when the text is not a JSON object or array, a property name holds a secret, or the result would be longer.</summary>
    private string? RedactJson(string text)
    {
        var start = text.AsSpan().TrimStart();
        if (start.IsEmpty || (start[0] != '{' && start[0] != '['))
        {
            return null;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is null || !RedactValues(root))
        {
            return null;
        }

        var redacted = root.ToJsonString(Json);
        return redacted.Length <= text.Length ? redacted : null;
    }

    private bool RedactValues(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (Replace(key, secrets) != key)
                    {
                        return false;
                    }

                    if (Redacted(value) is { } masked)
                    {
                        obj[key] = masked;
                    }
                    else if (value is not null && !RedactValues(value))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Redacted(array[i]) is { } masked)
                    {
                        array[i] = masked;
                    }
                    else if (array[i] is { } item && !RedactValues(item))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    /// <summary>A string value with a secret in it, masked; null for anything else.</summary>
    private JsonNode? Redacted(JsonNode? node)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            var masked = Replace(text, secrets);
            return ReferenceEquals(masked, text) || masked == text ? null : JsonValue.Create(masked);
        }

        return null;
    }
}
