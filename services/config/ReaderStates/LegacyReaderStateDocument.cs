using System.Text.Json;
using System.Text.Json.Nodes;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.ReaderStates;

/// <summary>
/// A reader state stored as one document, as readers wrote it before the known users became rows: the users under
/// "users", keyed by id, each either <c>[name, email, dn, state, version]</c> or an object
/// <c>{"displayName": …, "email": …, "distinguishedName": …, "state": …, "version": …}</c>.
/// </summary>
public static class LegacyReaderStateDocument
{
    public const string UsersProperty = "users";

    /// <summary>The document without its users, and the users; throws <see cref="JsonException"/> naming what is malformed.</summary>
    public static (string Head, List<ReaderStateUser> Users) Split(string document)
    {
        var users = new List<ReaderStateUser>();
        if (JsonNode.Parse(document) is not JsonObject root || !root.Remove(UsersProperty, out var node) || node is null)
        {
            return (document, users);
        }

        if (node is not JsonObject byId)
        {
            throw new JsonException("The stored \"users\" must be an object keyed by directory id.");
        }

        foreach (var (id, value) in byId)
        {
            users.Add(value switch
            {
                JsonArray { Count: 5 } compact => new ReaderStateUser(id, Text(compact[0], id), Text(compact[1], id), Text(compact[2], id),
                    State(compact[3], id), Number(compact[4], id)),
                JsonObject full => new ReaderStateUser(id, Text(Field(full, "displayName"), id), Text(Field(full, "email"), id),
                    Text(Field(full, "distinguishedName"), id), State(Field(full, "state"), id), Number(Field(full, "version"), id)),
                _ => throw new JsonException($"Known user {id}: expected [name, email, dn, state, version] or an object."),
            });
        }

        return (root.ToJsonString(), users);
    }

    private static JsonNode? Field(JsonObject user, string name) =>
        user.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Text(JsonNode? node, string id) =>
        node is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new JsonException($"Known user {id}: name, email and DN must be strings.");

    private static long Number(JsonNode? node, string id) =>
        node is JsonValue value && value.TryGetValue<long>(out var number)
            ? number
            : throw new JsonException($"Known user {id}: the version is not a number.");

    private static UserState State(JsonNode? node, string id) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) && Enum.TryParse<UserState>(text, ignoreCase: true, out var state)
            && Enum.IsDefined(state) && !int.TryParse(text, out _) => state,
        JsonValue value when value.TryGetValue<int>(out var number) && Enum.IsDefined((UserState)number) => (UserState)number,
        _ => throw new JsonException($"Known user {id}: unknown state {node?.ToJsonString()}."),
    };
}
