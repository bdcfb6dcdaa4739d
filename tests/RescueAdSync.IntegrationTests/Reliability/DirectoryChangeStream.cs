using System.Diagnostics;
using System.DirectoryServices.Protocols;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Reader;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// The shared body of every fault case: a full stack on its own OU and group, a baseline of members synced before the
/// fault, a scripted stream of directory changes (creates, mail updates, removals, a re-add, a disable and a re-enable,
/// a delete, moves out of the base DN and back) that runs while the fault
/// happens, and the final comparison of the emulator's state with the state computed from the directory.
/// </summary>
public sealed partial class DirectoryChangeStream : IAsyncDisposable
{
    /// <summary>Members synced before the stream starts (plus the keeper that keeps the groupOfNames valid).</summary>
    public const int BaselineUsers = 10;

    /// <summary>
    /// OpenLDAP has no account-disabled flag of its own: the stream's directory connection names this inetOrgPerson
    /// attribute as its disabledAttribute (any value but FALSE means disabled).
    /// </summary>
    public const string DisabledAttribute = "employeeType";

    /// <summary>Users created during the stream.</summary>
    public const int NewUsers = 6;

    /// <summary>The stream's steps before the fault starts, so the fault hits a stream already under way.</summary>
    public const int StepsBeforeFault = 3;

    /// <summary>Pause between two directory changes: the whole stream spans ~8 s, overlapping every outage.</summary>
    public static readonly TimeSpan StepInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long Rescue must see no call once the state is right, before it is compared again: a late redelivery of a stale
    /// change would show here.
    /// </summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(3);

    private readonly SlapdServer _slapd;
    private readonly string _ou;
    private readonly string _group;
    private readonly string _parked;
    private readonly string _id;
    private readonly Dictionary<string, (string Name, string Mail)> _deleted = [];
    private readonly HashSet<string> _everRemoved = [];

    private DirectoryChangeStream(SlapdServer slapd, string id, SyncStack stack)
    {
        _slapd = slapd;
        _id = id;
        _ou = OuOf(slapd, id);
        _group = $"cn=techs{id},{_ou}";
        _parked = ParkedOf(slapd, id);
        Stack = stack;
    }

    public SyncStack Stack { get; }

    /// <summary>
    /// The directory users' keys that leave the sync's scope at some point of the stream: removed from the group,
    /// disabled, deleted or moved out of the base DN.
    /// </summary>
    public IReadOnlyCollection<string> EverRemoved => _everRemoved;

    /// <summary>Creates the OU, the group and the baseline members, starts the stack and waits until the baseline is synced.</summary>
    /// <param name="configReplicas">Config services on the (then required PostgreSQL) database, behind one balancer.</param>
    /// <param name="serviceEnvironment">Added to the provisioner's and the reader's environment, e.g. a cluster's RabbitMq__Nodes.</param>
    public static async Task<DirectoryChangeStream> StartAsync(SlapdServer slapd, RabbitMqBroker broker, string name,
        IReadOnlyDictionary<string, string?>? configEnvironment = null, int configReplicas = 1,
        IReadOnlyDictionary<string, string?>? serviceEnvironment = null)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var ou = OuOf(slapd, id);
        var group = $"cn=techs{id},{ou}";
        using (var ldap = new LdapAdmin(slapd.Url, slapd.AdminDn, slapd.AdminPassword))
        {
            ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
            // Outside the connection's base DN (the OU): where users are moved out of scope.
            ldap.Add(ParkedOf(slapd, id), ("objectClass", ["organizationalUnit"]));
            var members = new List<string> { UserDn(ou, "keeper") };
            ldap.Add(UserDn(ou, "keeper"), Person("keeper", id));
            for (var i = 0; i < BaselineUsers; i++)
            {
                ldap.Add(UserDn(ou, $"b{i}"), Person($"b{i}", id));
                members.Add(UserDn(ou, $"b{i}"));
            }
            ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [.. members]));
        }

        // The base DN is the stream's own OU, so a user moved to the sibling "parked" OU is out of scope.
        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Url], slapd.AdminDn, slapd.AdminPassword,
            ou, PollIntervalSeconds: 1, DisabledAttribute: DisabledAttribute);
        var stack = await SyncStack.StartAsync(broker, directory, group, name, configEnvironment, serviceEnvironment, serviceEnvironment,
            configReplicas: configReplicas);
        var stream = new DirectoryChangeStream(slapd, id, stack);
        try
        {
            await stream.WaitUntilConvergedAsync(TimeSpan.FromSeconds(60), "the baseline");
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs the scripted stream; after <see cref="StepsBeforeFault"/> steps <paramref name="fault"/> starts and runs alongside
    /// the rest of the stream. Then waits until the emulator matches the directory and stays so, and checks it.
    /// </summary>
    public async Task<StreamTimings> RunAsync(Func<Task> fault, TimeSpan? convergeTimeout = null)
    {
        var total = Stopwatch.StartNew();
        var steps = Script();
        var faultWatch = new Stopwatch();
        Task? faultTask = null;
        try
        {
            for (var i = 0; i < steps.Count; i++)
            {
                if (i == StepsBeforeFault)
                {
                    faultWatch.Start();
                    faultTask = Task.Run(async () =>
                    {
                        await fault();
                        faultWatch.Stop();
                    });
                }
                await ApplyAsync(steps[i]);
                await Task.Delay(StepInterval);
            }
        }
        catch when (faultTask is not null)
        {
            // Let the fault finish (the broker or directory started again) before failing, or the next test inherits it.
            await Task.WhenAny(faultTask, Task.Delay(TimeSpan.FromSeconds(120)));
            throw;
        }
        await faultTask!;
        var recovery = Stopwatch.StartNew();
        await WaitUntilConvergedAsync(convergeTimeout ?? TimeSpan.FromSeconds(120), "the end of the stream");
        recovery.Stop();
        var quiet = Stopwatch.StartNew();
        await Stack.WaitForRescueQuietAsync(QuietPeriod, "after the stream converged");
        await AssertMatchesDirectoryAsync();
        return new StreamTimings(faultWatch.Elapsed, recovery.Elapsed, total.Elapsed, quiet.Elapsed);
    }

    /// <summary>
    /// "Cannot read" must never become "left the group": every Disabled technician belongs to a user the stream removed.
    /// Valid at any moment, fault or not.
    /// </summary>
    public async Task AssertNoUnexpectedDisableAsync()
    {
        var removedMails = _everRemoved.SelectMany(key => new[] { Mail(key, 1), Mail(key, 2), Mail(key, 3) }).ToHashSet();
        var wrong = (await Stack.Emulator.GetTechniciansAsync()).Where(t => t.Status != "Enabled" && !removedMails.Contains(t.Email)).ToList();
        Assert.True(wrong.Count == 0, $"Disabled although never removed: {string.Join("; ", wrong)}\n{Stack.Output}");
    }

    /// <summary>The final comparison: no lost change, one technician per user and per email, none deleted, right status.</summary>
    public async Task AssertMatchesDirectoryAsync()
    {
        var differences = await DifferencesAsync();
        Assert.True(differences.Count == 0, $"The emulator does not match the directory:\n{string.Join("\n", differences)}\n{Stack.Output}");
        var methods = await Stack.Emulator.GetCalledMethodsAsync();
        Assert.DoesNotContain(methods, m => m.Equals("deleteNode", StringComparison.OrdinalIgnoreCase));
    }

    public async Task WaitUntilConvergedAsync(TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<string> differences = [];
        while (deadline.Elapsed < timeout)
        {
            differences = await DifferencesAsync();
            if (differences.Count == 0)
            {
                return;
            }

            await Task.Delay(250);
        }
        Assert.Fail($"The emulator did not converge for {what} within {timeout.TotalSeconds:0} s:\n{string.Join("\n", differences)}\n{Stack.Output}");
    }

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();

    /// <summary>
    /// Expected state, computed from the directory itself: every user of the OU (and of the parked OU outside the base DN)
    /// was a member the sync saw at some time (baseline users are synced before the stream, and only they leave scope),
    /// so a member under the base DN and not disabled is an Enabled technician and any other a Disabled one, each with
    /// the directory's current name and mail; a deleted user is a Disabled technician with its last name and mail.
    /// </summary>
    private async Task<IReadOnlyList<string>> DifferencesAsync()
    {
        var expected = ReadDirectory();
        var technicians = await Stack.Emulator.GetTechniciansAsync();
        var differences = new List<string>();
        foreach (var duplicate in technicians.GroupBy(t => t.Email).Where(g => g.Count() > 1))
        {
            differences.Add($"duplicate technicians for {duplicate.Key}: {string.Join("; ", duplicate)}");
        }

        foreach (var deleted in technicians.Where(t => t.Deleted))
        {
            differences.Add($"deleted: {deleted}");
        }

        foreach (var user in expected)
        {
            var found = technicians.Where(t => t.Name == user.Name).ToList();
            if (found.Count != 1)
            {
                differences.Add($"{user.Name}: {found.Count} technicians, expected 1 ({user.Mail}, {user.Status})");
                continue;
            }
            var technician = found[0];
            if (technician.Email != user.Mail)
            {
                differences.Add($"{user.Name}: email {technician.Email}, expected {user.Mail}");
            }

            if (technician.Status != user.Status)
            {
                differences.Add($"{user.Name}: status {technician.Status}, expected {user.Status}");
            }

            if (technician.ParentId != Stack.TechnicianGroupId)
            {
                differences.Add($"{user.Name}: in group {technician.ParentId}, expected {Stack.TechnicianGroupId}");
            }
        }
        if (technicians.Count != expected.Count)
        {
            differences.Add($"{technicians.Count} technicians, expected {expected.Count}");
        }

        return differences;
    }

    private List<(string Name, string Mail, string Status)> ReadDirectory()
    {
        using var connection = Infrastructure.Ldap.Bind(_slapd.Url, _slapd.AdminDn, _slapd.AdminPassword);
        var group = Infrastructure.Ldap.Find(connection, _group, "member")!;
        var members = group.Attributes["member"].GetValues(typeof(string)).Cast<string>()
            .Select(dn => dn.ToLowerInvariant()).ToHashSet();
        var users = new List<(string Name, string Mail, string Status)>();
        foreach (var (parent, inScope) in new[] { (_ou, true), (_parked, false) })
        {
            var response = (SearchResponse)connection.SendRequest(
                new SearchRequest(parent, "(objectClass=inetOrgPerson)", SearchScope.OneLevel, "displayName", "mail", DisabledAttribute));
            users.AddRange(response.Entries.Cast<SearchResultEntry>().Select(entry => (
                (string)entry.Attributes["displayName"][0],
                (string)entry.Attributes["mail"][0],
                inScope && entry.Attributes[DisabledAttribute] is null && members.Contains(entry.DistinguishedName.ToLowerInvariant())
                    ? "Enabled" : "Disabled")));
        }
        lock (_deleted)
        {
            users.AddRange(_deleted.Values.Select(user => (user.Name, user.Mail, "Disabled")));
        }

        return users;
    }

    /// <summary>
    /// The stream: new members, mail changes of old and new members, two removals and a remove-then-re-add, a disable and
    /// a disable-then-re-enable (the disabledAttribute), a delete, a move out of the base DN and a move-out-then-back.
    /// No user created during the stream leaves scope, so the expected state does not depend on whether the sync saw it
    /// in between.
    /// </summary>
    private List<Step> Script() =>
    [
        new(StepKind.Create, "n0"), new(StepKind.Create, "n1"), new(StepKind.Mail, "b0", 2),
        new(StepKind.Create, "n2"), new(StepKind.Remove, "b3"), new(StepKind.Mail, "n0", 2),
        new(StepKind.Create, "n3"), new(StepKind.Remove, "b5"), new(StepKind.Mail, "b1", 2),
        new(StepKind.Remove, "b4"), new(StepKind.Create, "n4"), new(StepKind.Mail, "n1", 2),
        new(StepKind.Create, "n5"), new(StepKind.Mail, "b0", 3), new(StepKind.Mail, "n3", 2),
        new(StepKind.ReAdd, "b5"), new(StepKind.Disable, "b2"), new(StepKind.Delete, "b6"),
        new(StepKind.MoveOut, "b7"), new(StepKind.Disable, "b8"), new(StepKind.MoveOut, "b9"),
        new(StepKind.Enable, "b8"), new(StepKind.MoveBack, "b9"),
    ];

    // An administrator whose change fails because the server is down tries again: the stream waits out a directory outage.
    private async Task ApplyAsync(Step step)
    {
        var deadline = Stopwatch.StartNew();
        var retry = false;
        while (true)
        {
            try
            {
                using var ldap = new LdapAdmin(_slapd.Url, _slapd.AdminDn, _slapd.AdminPassword);
                var dn = UserDn(_ou, step.Key);
                switch (step.Kind)
                {
                    case StepKind.Create:
                        Idempotent(() => ldap.Add(dn, Person(step.Key, _id)), retry);
                        Idempotent(() => ldap.AddValue(_group, "member", dn), retry);
                        break;
                    case StepKind.Mail:
                        ldap.Replace(dn, "mail", Mail($"{step.Key}{_id}", step.MailVersion));
                        break;
                    case StepKind.Remove:
                        lock (_everRemoved)
                        {
                            _everRemoved.Add($"{step.Key}{_id}");
                        }

                        Idempotent(() => ldap.RemoveValue(_group, "member", dn), retry);
                        break;
                    case StepKind.ReAdd:
                        Idempotent(() => ldap.AddValue(_group, "member", dn), retry);
                        break;
                    case StepKind.Disable:
                        lock (_everRemoved)
                        {
                            _everRemoved.Add($"{step.Key}{_id}");
                        }

                        ldap.Replace(dn, DisabledAttribute, "TRUE");
                        break;
                    case StepKind.Enable:
                        Idempotent(() => ldap.Replace(dn, DisabledAttribute), retry);
                        break;
                    case StepKind.Delete:
                        lock (_everRemoved)
                        {
                            _everRemoved.Add($"{step.Key}{_id}");
                        }

                        bool known;
                        lock (_deleted)
                        {
                            known = _deleted.ContainsKey(step.Key);
                        }

                        if (!known)
                        {
                            // Read before the delete is sent: once recorded, a retry only repeats the delete.
                            var last = (ldap.Read(dn, "displayName"), ldap.Read(dn, "mail"));
                            lock (_deleted)
                            {
                                _deleted[step.Key] = last;
                            }
                        }
                        Idempotent(() => ldap.Delete(dn), retry);
                        break;
                    case StepKind.MoveOut:
                        // memberof-refint keeps the group's member value on the moved entry, as AD does.
                        lock (_everRemoved)
                        {
                            _everRemoved.Add($"{step.Key}{_id}");
                        }

                        Idempotent(() => ldap.Move(dn, _parked), retry);
                        break;
                    case StepKind.MoveBack:
                        Idempotent(() => ldap.Move(UserDn(_parked, step.Key), _ou), retry);
                        break;
                }
                return;
            }
            catch (LdapException) when (deadline.Elapsed < TimeSpan.FromSeconds(90))
            {
                retry = true;
                await Task.Delay(500);
            }
        }
    }

    /// <summary>
    /// A step retried after the server went away may already have been applied before the connection dropped
    /// (an add done, its answer lost): finding its own effect in place then means done, as for an administrator.
    /// </summary>
    private static void Idempotent(Action operation, bool retry)
    {
        try
        {
            operation();
        }
        catch (DirectoryOperationException ex) when (retry && ex.Response?.ResultCode is ResultCode.EntryAlreadyExists
            or ResultCode.AttributeOrValueExists or ResultCode.NoSuchAttribute or ResultCode.NoSuchObject)
        {
        }
    }


    private static string OuOf(SlapdServer slapd, string id) => $"ou=rel{id},{slapd.BaseDn}";

    private static string ParkedOf(SlapdServer slapd, string id) => $"ou=parked{id},{slapd.BaseDn}";

    private static string UserDn(string ou, string key) => $"uid={key},{ou}";

    private static string Mail(string key, int version) => version == 1 ? $"{key}@example.org" : $"{key}.v{version}@example.org";

    private static (string, string[])[] Person(string key, string id) =>
    [
        ("objectClass", ["inetOrgPerson"]),
        ("cn", [$"{key} {id}"]),
        ("sn", [id]),
        ("displayName", [$"User {key} {id}"]),
        ("mail", [Mail($"{key}{id}", 1)]),
    ];

    private enum StepKind { Create, Mail, Remove, ReAdd, Disable, Enable, Delete, MoveOut, MoveBack }

    private sealed record Step(StepKind Kind, string Key, int MailVersion = 1);
}
