using System.Text.Json;
using System.Text.Json.Serialization;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// The known users of a stored <see cref="MappingState"/> as <c>{"id": [name, email, dn, state, version], …}</c>:
/// without the repeated property names and id, the document is ~40 % smaller (154 instead of 258 bytes per user for the benchmark's users; it travels to
/// the config service whenever a user changed). Reads that form and the object form earlier readers wrote
/// (<c>{"id": {"id": …, "displayName": …}}</c>), so existing states load unchanged.
/// </summary>
public sealed class KnownUsersJsonConverter : JsonConverter<IReadOnlyDictionary<string, KnownUser>>
{
    public override IReadOnlyDictionary<string, KnownUser> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The known users must be a JSON object keyed by directory id.");
        }
        var users = new Dictionary<string, KnownUser>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var id = reader.GetString() ?? throw new JsonException("A known user without id.");
            reader.Read();
            users[id] = reader.TokenType switch
            {
                JsonTokenType.StartArray => ReadCompact(ref reader, id, options),
                JsonTokenType.StartObject => JsonSerializer.Deserialize<KnownUser>(ref reader, options) ?? throw new JsonException($"Known user {id} is empty."),
                _ => throw new JsonException($"Known user {id}: expected an array or an object."),
            };
        }
        return users;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, KnownUser> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (id, user) in value)
        {
            WriteUser(writer, id, user, options);
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// The same JSON as <see cref="Write"/>, flushing <paramref name="writer"/> to its stream every
    /// <paramref name="flushBytes"/>. The serializer cannot flush inside a custom converter: through it, the whole
    /// object (~15 MB at 100,000 users) is first buffered in memory, in pooled arrays that end up on the large-object heap.
    /// </summary>
    public static async Task WriteAsync(Utf8JsonWriter writer, IReadOnlyDictionary<string, KnownUser> value, JsonSerializerOptions options,
        CancellationToken cancellationToken, int flushBytes = 32 * 1024)
    {
        writer.WriteStartObject();
        foreach (var (id, user) in value)
        {
            WriteUser(writer, id, user, options);
            if (writer.BytesPending >= flushBytes)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteUser(Utf8JsonWriter writer, string id, KnownUser user, JsonSerializerOptions options)
    {
        writer.WritePropertyName(id);
        writer.WriteStartArray();
        writer.WriteStringValue(user.Text.DisplayNameUtf8);
        writer.WriteStringValue(user.Text.EmailUtf8);
        writer.WriteStringValue(user.Text.DistinguishedNameUtf8);
        JsonSerializer.Serialize(writer, user.State, options);
        writer.WriteNumberValue(user.Version);
        writer.WriteEndArray();
    }

    private static KnownUser ReadCompact(ref Utf8JsonReader reader, string id, JsonSerializerOptions options)
    {
        var name = NextString(ref reader, id);
        var email = NextString(ref reader, id);
        var dn = NextString(ref reader, id);
        Next(ref reader, id);
        var state = JsonSerializer.Deserialize<UserState>(ref reader, options);
        Next(ref reader, id);
        if (!reader.TryGetInt64(out var version))
        {
            throw new JsonException($"Known user {id}: the version is not a number.");
        }
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException($"Known user {id}: expected [name, email, dn, state, version].");
        }
        return new KnownUser(id, new UserText(name, email, dn), state, version);
    }

    private static string NextString(ref Utf8JsonReader reader, string id)
    {
        Next(ref reader, id);
        return reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw new JsonException($"Known user {id}: expected [name, email, dn, state, version].");
    }

    private static void Next(ref Utf8JsonReader reader, string id)
    {
        if (!reader.Read() || reader.TokenType is JsonTokenType.EndArray)
        {
            throw new JsonException($"Known user {id}: expected [name, email, dn, state, version].");
        }
    }
}
