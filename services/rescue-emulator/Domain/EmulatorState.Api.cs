using System.Diagnostics.CodeAnalysis;
namespace RescueAdSync.RescueEmulator.Domain;

// The Rescue API methods of docs/rescue-api.md. Parameters arrive in a case-insensitive dictionary.
public sealed partial class EmulatorState
{
    private static readonly TimeSpan LoginWindow = TimeSpan.FromMinutes(3);
    private const int LoginLimit = 10;

    public ApiResult RequestAuthCode(IReadOnlyDictionary<string, string> p)
    {
        lock (_gate)
        {
            if (!p.TryGetValue("email", out var email) || !p.TryGetValue("pwd", out var pwd))
            {
                return ApiResult.Of("ERROR");
            }

            if (!IsMasterAccountHolder(email, pwd))
            {
                return ApiResult.Of("INVALID");
            }
            // A new code invalidates the previous one (doc); the service token is unaffected.
            _requestedAuthCode = NewSecret();
            return ApiResult.Ok(("AUTHCODE", _requestedAuthCode));
        }
    }

    /// <summary>login.aspx; <paramref name="sessionId"/> receives the cookie value on OK.</summary>
    public ApiResult Login(IReadOnlyDictionary<string, string> p, out string? sessionId)
    {
        sessionId = null;
        lock (_gate)
        {
            // Every call counts towards the limit, successful or not, like a brute-force guard would.
            var now = time.GetUtcNow();
            while (_loginCalls.Count > 0 && now - _loginCalls.Peek() > LoginWindow)
            {
                _loginCalls.Dequeue();
            }

            _loginCalls.Enqueue(now);
            if (_loginCalls.Count > LoginLimit)
            {
                return ApiResult.Of("LIMITREACHED");
            }

            if (!p.TryGetValue("email", out var email) || !p.TryGetValue("pwd", out var pwd))
            {
                return ApiResult.Of("ERROR");
            }

            if (!IsMasterAccountHolder(email, pwd))
            {
                return ApiResult.Of("INVALID");
            }

            sessionId = NewSecret();
            _sessions.Add(sessionId);
            return ApiResult.Of("OK");
        }
    }

    public ApiResult GetAccount(IReadOnlyDictionary<string, string> p, string? session)
    {
        lock (_gate)
        {
            if (Authenticate(p, session) is { } denied)
            {
                return denied;
            }

            var org = _organization!;
            return ApiResult.Ok(("AccountID", org.AccountId), ("Organization", org.Name), ("AdminID", org.MahNodeId),
                ("TechID", org.MahNodeId), ("Email", org.MahEmail));
        }
    }

    public ApiResult GetHierarchy(IReadOnlyDictionary<string, string> p, string? session)
    {
        lock (_gate)
        {
            if (Authenticate(p, session) is { } denied)
            {
                return denied;
            }

            if (p.TryGetValue("node", out var nodeText) && nodeText != "")
            {
                if (!long.TryParse(nodeText, out var nodeId) || !_nodes.TryGetValue(nodeId, out var start) || start.Deleted)
                {
                    return ApiResult.Of("INVALIDPARAM_NODE");
                }
            }
            // The real service may answer with the whole organization the account can see, whatever node and isnode
            // asked for, in no promised order: the emulator always does (Root first), so no client may rely on less.
            var filterOffline = IsTrue(p, "filteroffline");
            var nodes = Subtree(_organization!.RootNodeId);
            return ApiResult.OkBlocks(nodes
                .Where(n => !(filterOffline && HierarchyStatus(n) == "Offline"))
                .Select(n => new (string, object)[]
                {
                    ("NodeID", n.Id), ("ParentID", n.ParentId), ("Name", n.Name), ("Email", n.Email),
                    ("Description", n.Description), ("Status", HierarchyStatus(n)), ("Type", n.Type),
                }));
        }
    }

    public ApiResult GetGroup(IReadOnlyDictionary<string, string> p, string? session)
    {
        lock (_gate)
        {
            if (Authenticate(p, session) is { } denied)
            {
                return denied;
            }

            if (!TryGetNode(p, "node", out var group) || group.Type != NodeTypes.TechnicianGroup)
            {
                return ApiResult.Of("INVALIDPARAM_NODE");
            }

            return ApiResult.Ok(("NODEID", group.Id), ("PARENTID", group.ParentId), ("NAME", group.Name), ("DESCRIPTION", group.Description),
                ("ISENABLED", group.Enabled), ("STANDARDCONCURRENTLIMIT", 10), ("MOBILECONCURRENTLIMIT", 10));
        }
    }

    public ApiResult GetUser(IReadOnlyDictionary<string, string> p, string? session)
    {
        lock (_gate)
        {
            if (Authenticate(p, session) is { } denied)
            {
                return denied;
            }

            var hasNode = p.TryGetValue("node", out var nodeText) && nodeText != "";
            var hasEmail = p.TryGetValue("email", out var email) && email != "";
            if (hasNode && hasEmail)
            {
                return ApiResult.Of("INVALID_EMAILANDNODEIDBOTHSPECIFIED");
            }

            EmulatorNode? user;
            if (hasEmail)
            {
                user = FindUserByEmail(email);
                if (user is null)
                {
                    return ApiResult.Of("INVALIDPARAM_EMAIL");
                }
            }
            else if (!TryGetNode(p, "node", out user) || !NodeTypes.IsUser(user.Type))
            {
                return ApiResult.Of("INVALIDPARAM_NODE");
            }
            return ApiResult.Ok(("NODEID", user.Id), ("NAME", user.Name), ("NICK", user.Nick), ("EMAIL", user.Email), ("SSOID", user.SsoId),
                ("DESCRIPTION", user.Description), ("TYPE", user.Type), ("HASMOBILEADDON", user.MobileAddon), ("HASRPATADDON", user.RpatAddon),
                ("ISACCOUNTHOLDER", user.IsAccountHolder), ("STATUS", user.Enabled ? "Enabled" : "Disabled"),
                ("MUSTCHANGEPASSWORD", user.MustChangePassword));
        }
    }

    public ApiResult CreateUser(IReadOnlyDictionary<string, string> p, string? session)
    {
        lock (_gate)
        {
            if (Authenticate(p, session) is { } denied)
            {
                return denied;
            }

            if (!TryGetNode(p, "parent", out var parent) || parent.Type != NodeTypes.TechnicianGroup)
            {
                return ApiResult.Of("INVALIDPARAM_PARENT");
            }
            // An empty technician, as the real service makes it; setUser_v2 fills it in right after.
            var node = Add(new EmulatorNode { Id = ++_nextId, ParentId = parent.Id, Type = NodeTypes.Technician });
            return ApiResult.OkInline(node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public ApiResult SetUser(IReadOnlyDictionary<string, string> p, string? session)
    {
        lock (_gate)
        {
            if (Authenticate(p, session) is { } denied)
            {
                return denied;
            }

            if (!p.TryGetValue("node", out var nodeText) || !long.TryParse(nodeText, out var nodeId) || !_nodes.TryGetValue(nodeId, out var node)
                || !NodeTypes.IsUser(node.Type))
            {
                return ApiResult.Of("INVALIDPARAM_NODE");
            }

            if (node.Deleted)
            {
                return ApiResult.Of("USER_DELETED_OR_DISABLED");
            }

            var name = p.GetValueOrDefault("name");
            if (string.IsNullOrWhiteSpace(name) || name.Length > NameMaxLength)
            {
                return ApiResult.Of("INVALIDPARAM_NAME");
            }

            if (!p.TryGetValue("email", out var email))
            {
                return ApiResult.Of("INVALIDPARAM_EMAIL");
            }

            if (ParseChoice(p, "status", "Enabled", "Disabled") is not { } enabled)
            {
                return ApiResult.Of("INVALIDPARAM_STATUS");
            }

            if (ParseChoice(p, "mobileaddon", "True", "False") is not { } mobile)
            {
                return ApiResult.Of("INVALIDPARAM_MOBILEADDON");
            }

            if (ParseChoice(p, "rpataddon", "True", "False") is not { } rpat)
            {
                return ApiResult.Of("INVALIDPARAM_RPATADDON");
            }
            // Only a technician that is and stays disabled cannot take a new password: it could not use it.
            var pwd = p.GetValueOrDefault("pwd");
            if (pwd is not null && !node.Enabled && !enabled)
            {
                return ApiResult.Of("USER_DELETED_OR_DISABLED");
            }

            if (pwd is not null && p.TryGetValue("oldpwd", out var oldPwd) && oldPwd != node.Password)
            {
                return ApiResult.Of("INVALIDPARAM_OLDPWD");
            }

            if (ValidateUser(node, name, email, enabled, mobile, pwd, p.GetValueOrDefault("confpwd")) is { } error)
            {
                return ApiResult.Of(error);
            }

            ApplyUser(node, name, email, enabled, mobile, rpat, p.GetValueOrDefault("nick"), p.GetValueOrDefault("ssoid"), p.GetValueOrDefault("description"));
            if (pwd is not null)
            {
                node.Password = pwd;
                // Set by an administrator (no oldpwd): the technician must change it at first login (docs/rescue-api.md, ours).
                node.MustChangePassword = !p.ContainsKey("oldpwd");
            }
            return ApiResult.Of("OK");
        }
    }

    public ApiResult MoveNode(IReadOnlyDictionary<string, string> p, string? session)
    {
        lock (_gate)
        {
            if (Authenticate(p, session) is { } denied)
            {
                return denied;
            }

            if (!TryGetNode(p, "node", out var node))
            {
                return ApiResult.Of("INVALIDPARAM_NODE");
            }

            if (!TryGetNode(p, "targetnode", out var target))
            {
                return ApiResult.Of("INVALIDPARAM_TARGETNODE");
            }

            var allowed = node.Type switch
            {
                NodeTypes.Technician => target.Type == NodeTypes.TechnicianGroup,
                NodeTypes.TechnicianGroup => target.Type is NodeTypes.TechnicianGroup or NodeTypes.Technicians && !Subtree(node.Id).Contains(target),
                _ => false,
            };
            if (!allowed)
            {
                return ApiResult.Of("INVALID_MOVE");
            }

            node.ParentId = target.Id;
            return ApiResult.Of("OK");
        }
    }

    public ApiResult DeleteNode(IReadOnlyDictionary<string, string> p, string? session)
    {
        lock (_gate)
        {
            if (Authenticate(p, session) is { } denied)
            {
                return denied;
            }

            if (!TryGetNode(p, "node", out var node) || node.Type is not (NodeTypes.Technician or NodeTypes.TechnicianGroup))
            {
                return ApiResult.Of("INVALIDPARAM_NODE");
            }

            foreach (var n in Subtree(node.Id))
            {
                Unindex(n);
                n.Deleted = true;
                n.MobileAddon = false;
            }
            return ApiResult.Of("OK");
        }
    }

    private ApiResult? Authenticate(IReadOnlyDictionary<string, string> p, string? session)
    {
        if (p.TryGetValue("authcode", out var code) && code != "")
        {
            var valid = _organization is not null && (code == _serviceToken || code == _requestedAuthCode);
            return valid ? null : ApiResult.Of("INVALID_SECRETAUTHCODE");
        }
        return _organization is not null && session is not null && _sessions.Contains(session) ? null : ApiResult.Of("NOTLOGGEDIN");
    }

    private bool IsMasterAccountHolder(string email, string pwd) =>
        _organization is { } org && _nodes.TryGetValue(org.MahNodeId, out var mah)
        && string.Equals(mah.Email, email, StringComparison.OrdinalIgnoreCase) && mah.Password == pwd;

    private bool TryGetNode(IReadOnlyDictionary<string, string> p, string key, [NotNullWhen(true)] out EmulatorNode? node)
    {
        node = null;
        return p.TryGetValue(key, out var text) && long.TryParse(text, out var id) && _nodes.TryGetValue(id, out node) && !node.Deleted;
    }

    private List<EmulatorNode> Subtree(long id)
    {
        var result = new List<EmulatorNode>();
        var children = ChildrenByParent();
        var pending = new Queue<long>([id]);
        while (pending.TryDequeue(out var current))
        {
            if (!_nodes.TryGetValue(current, out var node) || node.Deleted)
            {
                continue;
            }

            result.Add(node);
            foreach (var child in children[current])
            {
                pending.Enqueue(child.Id);
            }
        }
        return result;
    }

    // Nobody ever logs in to the emulator: enabled technicians are Offline, structure nodes Online.
    private static string HierarchyStatus(EmulatorNode n) =>
        !n.Enabled ? "Disabled" : NodeTypes.IsUser(n.Type) ? "Offline" : "Online";

    private static bool IsTrue(IReadOnlyDictionary<string, string> p, string key) =>
        p.TryGetValue(key, out var value) && (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1");

    private static bool? ParseChoice(IReadOnlyDictionary<string, string> p, string key, string yes, string no) =>
        p.GetValueOrDefault(key) switch
        {
            { } v when string.Equals(v, yes, StringComparison.OrdinalIgnoreCase) => true,
            { } v when string.Equals(v, no, StringComparison.OrdinalIgnoreCase) => false,
            _ => null,
        };
}
