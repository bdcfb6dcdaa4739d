using System.Globalization;

namespace RescueAdSync.ServiceDefaults.Rescue;

/// <summary>
/// A parsed Rescue answer. <see cref="Values"/> is the first block of items (keys case-insensitive);
/// <see cref="Nodes"/> holds every block, one per hierarchy node; <see cref="Inline"/> is a bare value
/// after the code, like createUser's <c>OK 12345</c>.
/// </summary>
public sealed record RescueResponse(string Code, string? Inline, IReadOnlyDictionary<string, string> Values, IReadOnlyList<IReadOnlyDictionary<string, string>> Nodes)
{
    public bool IsOk => Code == "OK";

    /// <summary>
    /// The block of the hierarchy node <paramref name="nodeId"/>, or null. getHierarchy_v2 may answer with more than the
    /// node asked for (up to the whole organization) in no promised order, so a node is found by its NodeID, never by position.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Node(long nodeId) =>
        Nodes.FirstOrDefault(block => block.TryGetValue("NodeID", out var id)
            && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed == nodeId);
}
