using System.Net.Mail;
using System.Security.Cryptography;

namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>
/// The one organization this emulator process holds. Every read and write takes the same lock: the
/// emulator is a test double, so simple and obviously thread-safe beats fast.
/// </summary>
public sealed partial class EmulatorState(TimeProvider time)
{
    /// <summary>Longest technician name setUser_v2 accepts (ours: the public documentation gives no number).</summary>
    public const int NameMaxLength = 128;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, EmulatorNode> _nodes = [];
    private readonly HashSet<string> _sessions = [];
    private readonly Queue<DateTimeOffset> _loginCalls = new();
    private OrganizationView? _organization;
    private long _nextId;
    private int _mobileLicences;
    private string? _serviceToken;
    private string? _requestedAuthCode;
    private string? _defaultPassword;

    public void Reset()
    {
        lock (_gate)
        {
            _nodes.Clear();
            _usersByEmail.Clear();
            _sessions.Clear();
            _loginCalls.Clear();
            _organization = null;
            _mobileLicences = 0;
            _serviceToken = _requestedAuthCode = _defaultPassword = null;
        }
    }

    public OrganizationView CreateOrganization(CreateOrganizationRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw new AdminRequestException("INVALIDPARAM_NAME", "The organization needs a name.");
        }

        if (!IsValidEmail(request.Email))
        {
            throw new AdminRequestException("INVALIDPARAM_EMAIL", "The Master Account Holder needs a valid email.");
        }

        if (PasswordPolicy.Check(request.Password ?? "") is { } code)
        {
            throw new AdminRequestException(code, "The Master Account Holder's password breaks the password policy.");
        }

        if (request.MobileLicences < 0)
        {
            throw new AdminRequestException("INVALIDPARAM_MOBILELICENCES", "The licence count cannot be negative.");
        }

        lock (_gate)
        {
            Reset();
            // Random-looking but stable ids keep tests from depending on small constants.
            _nextId = 1_000_000;
            var accountId = 500_000 + Random.Shared.Next(1, 99_999);
            var root = Add(new EmulatorNode { Id = ++_nextId, ParentId = 0, Type = NodeTypes.Root, Name = request.Name, Origin = "admin" });
            var masters = Add(new EmulatorNode { Id = ++_nextId, ParentId = root.Id, Type = NodeTypes.MasterAdministrators, Name = "Master Administrators", Origin = "admin" });
            var mah = Add(new EmulatorNode
            {
                Id = ++_nextId,
                ParentId = masters.Id,
                Type = NodeTypes.MasterAdministrator,
                IsAccountHolder = true,
                Origin = "admin",
                Name = request.MahName ?? "Master Account Holder",
                Email = request.Email,
                Password = request.Password,
            });
            Add(new EmulatorNode { Id = ++_nextId, ParentId = root.Id, Type = NodeTypes.Administrators, Name = "Administrators", Origin = "admin" });
            var technicians = Add(new EmulatorNode { Id = ++_nextId, ParentId = root.Id, Type = NodeTypes.Technicians, Name = "Technicians", Origin = "admin" });
            _mobileLicences = request.MobileLicences;
            _organization = new OrganizationView(accountId, request.Name, request.Email, mah.Id, root.Id, technicians.Id);
            return _organization;
        }
    }

    public GroupView CreateGroup(CreateGroupRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw new AdminRequestException("INVALIDPARAM_NAME", "A group needs a name.");
        }

        lock (_gate)
        {
            var organization = RequireOrganization();
            var parentId = request.ParentId ?? organization.TechniciansNodeId;
            if (!_nodes.TryGetValue(parentId, out var parent) || parent.Deleted || parent.Type is not (NodeTypes.Technicians or NodeTypes.TechnicianGroup))
            {
                throw new AdminRequestException("INVALIDPARAM_PARENT", $"Node {parentId} is not the Technicians node or a Technician Group.");
            }

            var group = Add(new EmulatorNode
            {
                Id = ++_nextId,
                ParentId = parentId,
                Type = NodeTypes.TechnicianGroup,
                Name = request.Name,
                Description = request.Description ?? "",
                Origin = "admin",
            });
            return ToGroupView(group);
        }
    }

    /// <summary>Lowering the count below what is in use is allowed: holders keep theirs, nobody gets a new one.</summary>
    public (int Total, int Used) SetMobileLicences(int count)
    {
        if (count < 0)
        {
            throw new AdminRequestException("INVALIDPARAM_MOBILELICENCES", "The licence count cannot be negative.");
        }

        lock (_gate)
        {
            RequireOrganization();
            _mobileLicences = count;
            return (_mobileLicences, MobileLicencesUsed());
        }
    }

    /// <summary>Like the Admin Center's Generate button: a new token replaces the old one and is shown once.</summary>
    public string GenerateServiceToken(string? token = null)
    {
        lock (_gate)
        {
            RequireOrganization();
            _serviceToken = string.IsNullOrWhiteSpace(token) ? NewSecret() : token;
            return _serviceToken;
        }
    }

    public void RevokeServiceToken()
    {
        lock (_gate)
        {
            _serviceToken = null;
        }
    }

    public void SetDefaultPassword(string password)
    {
        if (PasswordPolicy.Check(password ?? "") is { } code)
        {
            throw new AdminRequestException(code, "The default password breaks the password policy.");
        }

        lock (_gate)
        {
            RequireOrganization();
            _defaultPassword = password;
        }
    }

    public TechnicianView CreateTechnician(TechnicianSpec spec)
    {
        lock (_gate)
        {
            RequireOrganization();
            if (!IsLiveGroup(spec.GroupId))
            {
                throw new AdminRequestException("INVALIDPARAM_PARENT", $"Node {spec.GroupId} is not a Technician Group.");
            }

            var node = new EmulatorNode { Id = _nextId + 1, ParentId = spec.GroupId, Type = NodeTypes.Technician, Origin = "admin" };
            var error = ValidateUser(node, spec.Name, spec.Email, spec.Enabled, spec.MobileAddon, spec.Password, spec.Password);
            if (error is not null)
            {
                throw new AdminRequestException(error, $"The technician cannot be created: {error}.");
            }

            _nextId++;
            Add(node);
            ApplyUser(node, spec.Name, spec.Email, spec.Enabled, spec.MobileAddon, spec.RpatAddon, spec.Nick, spec.SsoId, spec.Description);
            node.Password = spec.Password;
            node.MustChangePassword = spec.MustChangePassword;
            return ToTechnicianView(node);
        }
    }

    /// <summary>What a Rescue admin does by drag and drop in the Admin Center (the tests of rule 4, docs/rules.md, need it).</summary>
    public TechnicianView MoveTechnician(long nodeId, long groupId)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node) || node.Deleted || node.Type != NodeTypes.Technician)
            {
                throw new AdminRequestException("INVALIDPARAM_NODE", $"Node {nodeId} is not a technician.");
            }

            if (!IsLiveGroup(groupId))
            {
                throw new AdminRequestException("INVALID_MOVE", $"Node {groupId} is not a Technician Group.");
            }

            node.ParentId = groupId;
            return ToTechnicianView(node);
        }
    }

    public EmulatorSnapshot Snapshot()
    {
        lock (_gate)
        {
            var groups = _nodes.Values.Where(n => n.Type == NodeTypes.TechnicianGroup && !n.Deleted).OrderBy(n => n.Id).Select(ToGroupView).ToList();
            var technicians = _nodes.Values.Where(n => n.Type == NodeTypes.Technician).OrderBy(n => n.Id).Select(ToTechnicianView).ToList();
            return new EmulatorSnapshot(_organization, _mobileLicences, MobileLicencesUsed(), _serviceToken is not null,
                _defaultPassword is not null, groups, technicians);
        }
    }

    public void ApplySeed(EmulatorSeed seed)
    {
        lock (_gate)
        {
            CreateOrganization(seed.Organization);
            if (seed.DefaultPassword is not null)
            {
                SetDefaultPassword(seed.DefaultPassword);
            }

            if (seed.ServiceToken is not null)
            {
                GenerateServiceToken(seed.ServiceToken);
            }

            foreach (var group in seed.Groups ?? [])
            {
                var created = CreateGroup(new CreateGroupRequest(group.Name, Description: group.Description));
                foreach (var tech in group.Technicians ?? [])
                {
                    CreateTechnician(new TechnicianSpec(created.NodeId, tech.Name, tech.Email, tech.Enabled, tech.MobileAddon, Password: tech.Password));
                }
            }
        }
    }

    private EmulatorNode Add(EmulatorNode node)
    {
        _nodes[node.Id] = node;
        Index(node);
        return node;
    }

    private OrganizationView RequireOrganization() =>
        _organization ?? throw new AdminRequestException("NO_ORGANIZATION", "Create the organization first (POST /admin/organization).");

    private bool IsLiveGroup(long id) => _nodes.TryGetValue(id, out var group) && !group.Deleted && group.Type == NodeTypes.TechnicianGroup;

    private int MobileLicencesUsed() => _nodes.Values.Count(n => !n.Deleted && n.MobileAddon);

    /// <summary>setUser_v2's checks, in the order the real service reports them; null when all pass.</summary>
    private string? ValidateUser(EmulatorNode node, string? name, string? email, bool enabled, bool mobileAddon, string? pwd, string? confpwd)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > NameMaxLength)
        {
            return "INVALIDPARAM_NAME";
        }

        if (!IsValidEmail(email))
        {
            return "INVALIDPARAM_EMAIL";
        }

        if (FindUserByEmail(email) is { } holder && holder.Id != node.Id)
        {
            return "INVALIDPARAM_EMAIL_ALREADY_IN_USE";
        }

        if (pwd is not null)
        {
            if (PasswordPolicy.Check(pwd) is { } policy)
            {
                return policy;
            }

            if (confpwd != pwd)
            {
                return "INVALIDPARAM_CONFPWD";
            }
        }
        // Disabling always drops the add-on (docs/rescue-api.md, "Mobile licence"), so only an enabled holder needs a free one.
        if (enabled && mobileAddon && !node.MobileAddon && MobileLicencesUsed() >= _mobileLicences)
        {
            return "INVALIDPARAM_MOBILEADDON";
        }

        return null;
    }

    private void ApplyUser(EmulatorNode node, string name, string email, bool enabled, bool mobileAddon, bool rpatAddon, string? nick, string? ssoId, string? description)
    {
        node.Name = name;
        SetEmail(node, email);
        node.Enabled = enabled;
        node.MobileAddon = enabled && mobileAddon;
        node.RpatAddon = rpatAddon;
        if (nick is not null)
        {
            node.Nick = nick;
        }

        if (ssoId is not null)
        {
            node.SsoId = ssoId;
        }

        if (description is not null)
        {
            node.Description = description;
        }
    }

    private static bool IsValidEmail(string? email) =>
        !string.IsNullOrWhiteSpace(email) && email.Length <= 254 && !email.Any(char.IsWhiteSpace)
        && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && parsed.Host.Contains('.');

    private static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    private static GroupView ToGroupView(EmulatorNode n) => new(n.Id, n.ParentId, n.Name, n.Description, n.Enabled);

    private TechnicianView ToTechnicianView(EmulatorNode n) => new(
        n.Id, n.ParentId, n.Name, n.Nick, n.Email, n.SsoId, n.Description, n.Enabled ? "Enabled" : "Disabled",
        n.MobileAddon, n.RpatAddon, n.MustChangePassword,
        _defaultPassword is not null && n.Password == _defaultPassword, n.Deleted, n.Origin);
}
