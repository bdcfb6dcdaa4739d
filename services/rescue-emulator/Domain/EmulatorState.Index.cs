namespace RescueAdSync.RescueEmulator.Domain;

// Indexes over _nodes, so that getUser_v3 by email, setUser_v2's "email already in use" check and getHierarchy_v2 stay
// cheap with tens of thousands of technicians (a scan of every node per call made the emulator, not the code under
// test, the bottleneck of the 10,000-user benchmark). Maintained under the same lock as the nodes.
public sealed partial class EmulatorState
{
    // Live users (not deleted) by email, case-insensitive like the API's lookups; emails are unique among them.
    private readonly Dictionary<string, EmulatorNode> _usersByEmail = new(StringComparer.OrdinalIgnoreCase);

    private EmulatorNode? FindUserByEmail(string? email) =>
        !string.IsNullOrEmpty(email) && _usersByEmail.TryGetValue(email, out var node) && !node.Deleted && NodeTypes.IsUser(node.Type)
            && string.Equals(node.Email, email, StringComparison.OrdinalIgnoreCase)
            ? node
            : null;

    /// <summary>Every change of a node's email, and every new node, goes through here.</summary>
    private void SetEmail(EmulatorNode node, string email)
    {
        if (node.Email != "" && _usersByEmail.TryGetValue(node.Email, out var indexed) && ReferenceEquals(indexed, node))
        {
            _usersByEmail.Remove(node.Email);
        }

        node.Email = email;
        Index(node);
    }

    private void Index(EmulatorNode node)
    {
        if (!node.Deleted && NodeTypes.IsUser(node.Type) && node.Email != "")
        {
            _usersByEmail[node.Email] = node;
        }
    }

    private void Unindex(EmulatorNode node)
    {
        if (node.Email != "" && _usersByEmail.TryGetValue(node.Email, out var indexed) && ReferenceEquals(indexed, node))
        {
            _usersByEmail.Remove(node.Email);
        }
    }

    /// <summary>Children of every node, ordered by id: built once per call instead of one scan of every node per visited node.</summary>
    private ILookup<long, EmulatorNode> ChildrenByParent() => _nodes.Values.OrderBy(n => n.Id).ToLookup(n => n.ParentId);
}
