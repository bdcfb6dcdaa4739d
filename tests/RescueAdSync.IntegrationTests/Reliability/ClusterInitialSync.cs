using System.Diagnostics;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Reader;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// An initial sync of many users on a RabbitMQ cluster: an OU of <c>count</c> users, all members of one group, and a full
/// stack whose services know every node. Counts what the emulator holds against the directory: lost users (no technician),
/// duplicates (two technicians for one email), deleted technicians, technicians not Enabled in the mapped group.
/// </summary>
public sealed class ClusterInitialSync : IAsyncDisposable
{
    private const int MembersPerRequest = 250;
    private readonly HashSet<string> _mails;

    private ClusterInitialSync(SyncStack stack, HashSet<string> mails)
    {
        Stack = stack;
        _mails = mails;
    }

    public SyncStack Stack { get; }

    public int Users => _mails.Count;

    /// <summary>Creates the users and their group, then starts the stack: the initial sync begins at once.</summary>
    public static async Task<ClusterInitialSync> StartAsync(SlapdServer slapd, RabbitMqBroker broker,
        IReadOnlyDictionary<string, string?> serviceEnvironment, int count, string name)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var ou = $"ou=clu{id},{slapd.BaseDn}";
        var group = $"cn=techs{id},{ou}";
        var mails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var ldap = new LdapAdmin(slapd.Url, slapd.AdminDn, slapd.AdminPassword))
        {
            ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
            var members = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var dn = $"uid=u{i},{ou}";
                var mail = $"u{i}.{id}@example.org";
                ldap.Add(dn, ("objectClass", ["inetOrgPerson"]), ("cn", [$"u{i} {id}"]), ("sn", [id]),
                    ("displayName", [$"User u{i} {id}"]), ("mail", [mail]));
                members.Add(dn);
                mails.Add(mail);
            }
            // In slices: slapd's memberof overlay writes every new member's entry within the one request, and a single
            // 10,000-member request outlasts the client's timeout on a busy machine.
            ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [.. members.Take(MembersPerRequest)]));
            foreach (var slice in members.Skip(MembersPerRequest).Chunk(MembersPerRequest))
            {
                ldap.AddValues(group, "member", slice);
            }
        }

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Url], slapd.AdminDn, slapd.AdminPassword,
            ou, PollIntervalSeconds: 1);
        var stack = await SyncStack.StartAsync(broker, directory, group, name,
            provisionerEnvironment: serviceEnvironment, readerEnvironment: serviceEnvironment);
        return new ClusterInitialSync(stack, mails);
    }

    /// <summary>What the emulator holds now, compared with the directory.</summary>
    public async Task<SyncCount> CountAsync()
    {
        var technicians = await Stack.Emulator.GetTechniciansAsync();
        var byMail = technicians.GroupBy(t => t.Email, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var present = _mails.Count(byMail.ContainsKey);
        var duplicates = byMail.Values.Sum(list => list.Count - 1);
        var deleted = technicians.Count(t => t.Deleted);
        var wrong = technicians.Count(t => !t.Deleted && (t.Status != "Enabled" || t.ParentId != Stack.TechnicianGroupId || !_mails.Contains(t.Email)));
        return new SyncCount(present, Users - present, duplicates, deleted, wrong);
    }

    /// <summary>
    /// Waits until at least <paramref name="synced"/> users have their technician; returns the sync's rate until then
    /// (users per second since the first technician appeared).
    /// </summary>
    public async Task<double> WaitForAtLeastAsync(int synced, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var sinceFirst = new Stopwatch();
        var first = 0;
        var last = new SyncCount(0, Users, 0, 0, 0);
        while (clock.Elapsed < timeout)
        {
            last = await CountAsync();
            if (last.Present > 0 && !sinceFirst.IsRunning)
            {
                sinceFirst.Start();
                first = last.Present;
            }

            if (last.Present >= synced)
            {
                return sinceFirst.Elapsed > TimeSpan.Zero && last.Present > first
                    ? (last.Present - first) / sinceFirst.Elapsed.TotalSeconds
                    : double.PositiveInfinity;
            }

            await Task.Delay(200);
        }
        Assert.Fail($"Only {last} after {timeout.TotalSeconds:0} s, waiting for {synced}.\n{Stack.Output}");
        return 0;
    }

    /// <summary>Waits until every user has exactly one Enabled technician in the group and nothing else is there; returns the time it took.</summary>
    public async Task<TimeSpan> WaitUntilCompleteAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = new SyncCount(0, Users, 0, 0, 0);
        while (clock.Elapsed < timeout)
        {
            last = await CountAsync();
            if (last.IsComplete)
            {
                return clock.Elapsed;
            }

            await Task.Delay(250);
        }
        Assert.Fail($"The initial sync did not complete within {timeout.TotalSeconds:0} s: {last}.\n{Stack.Output}");
        return clock.Elapsed;
    }

    public ValueTask DisposeAsync() => Stack.DisposeAsync();
}

/// <summary>
/// The emulator against the directory: users with a technician, users without one (lost, once the sync is over), duplicate
/// technicians (a second one for an email), deleted ones, and ones not Enabled in the mapped group.
/// </summary>
public sealed record SyncCount(int Present, int Lost, int Duplicates, int Deleted, int Wrong)
{
    public bool IsComplete => Lost == 0 && Duplicates == 0 && Deleted == 0 && Wrong == 0;

    public override string ToString() => $"{Present} synced, {Lost} missing, {Duplicates} duplicated, {Deleted} deleted, {Wrong} not Enabled in the group";
}
