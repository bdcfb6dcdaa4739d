using System.Diagnostics;
using System.DirectoryServices.Protocols;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Active Directory: a Samba AD DC of its own (on <c>ADSYNC_TEST_SAMBA_IP2</c>, so the shared DC of the "samba"
/// collection stays up) is stopped and started again while directory changes stream in. Nightly: provisioning a DC and
/// samba-tool's start-up make it a few minutes. In the "samba" collection so that nothing else uses the second address meanwhile.
/// </summary>
[Collection(SambaCollection.Name)]
[Trait(Nightly.Trait, Nightly.Value)]
public sealed class SambaRestartTests(RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(3);
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Samba_DC_restarted_mid_stream_disables_no_technician_and_every_change_follows()
    {
        var ip = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_IP2") is { Length: > 0 } ip2 ? ip2 : "127.0.0.2";
        var provisioning = Stopwatch.StartNew();
        await using var dc = await SambaDc.StartAsync(ip);
        output.WriteLine($"dedicated DC on {dc.Url} provisioned in {provisioning.Elapsed.TotalSeconds:0} s");
        var ouName = $"rel{_id}";
        var ou = $"OU={ouName},{dc.BaseDn}";
        var group = $"CN=techs{_id},{ou}";
        using (var ldap = new LdapAdmin(dc.Url, dc.AdminBindName, dc.AdminPassword))
        {
            ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
            ldap.Add(group, ("objectClass", ["group"]), ("sAMAccountName", [$"techs{_id}"]));
        }
        foreach (var key in new[] { "b0", "b1", "b2", "b3" })
        {
            await CreateUserAsync(dc, ouName, key);
            await LdapAsync(dc, ldap => ldap.AddValue(group, "member", UserDn(ou, key)));
        }

        var directory = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [dc.Url], dc.AdminBindName, dc.AdminPassword,
            dc.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "rel-samba-restart");
        await WaitUntilConvergedAsync(stack, dc, ou, group, TimeSpan.FromMinutes(2), "the baseline");

        var removed = new HashSet<string>();
        var restart = Stopwatch.StartNew();
        Task? restartTask = null;
        var steps = new List<Func<Task>>
        {
            () => CreateMemberAsync(dc, ouName, ou, group, "n0"),
            () => LdapAsync(dc, l => l.Replace(UserDn(ou, "b0"), "mail", Mail("b0", 2))),
            () => RemoveAsync(dc, ou, group, "b3", removed),
            // The DC goes down here; the next steps are made while it stops, is down and starts.
            () => CreateMemberAsync(dc, ouName, ou, group, "n1"),
            () => LdapAsync(dc, l => l.Replace(UserDn(ou, "n0"), "mail", Mail("n0", 2))),
            () => RemoveAsync(dc, ou, group, "b2", removed),
            () => CreateMemberAsync(dc, ouName, ou, group, "n2"),
            () => LdapAsync(dc, l => l.Replace(UserDn(ou, "b1"), "mail", Mail("b1", 2))),
        };
        for (var i = 0; i < steps.Count; i++)
        {
            if (i == 3)
            {
                restartTask = Task.Run(async () =>
                {
                    await dc.StopAsync();
                    await Task.Delay(FaultToleranceTests.CrashPause);
                    await AssertNoUnexpectedDisableAsync(stack, removed);
                    await dc.StartAgainAsync();
                    restart.Stop();
                });
                restart.Restart();
            }
            await steps[i]();
            await Task.Delay(500);
        }
        await restartTask!;
        var recovery = Stopwatch.StartNew();
        await WaitUntilConvergedAsync(stack, dc, ou, group, TimeSpan.FromMinutes(3), "the end of the stream");
        output.WriteLine($"Samba DC restarted: down and up again in {restart.Elapsed.TotalSeconds:0.0} s, converged {recovery.Elapsed.TotalSeconds:0.0} s after");
        await stack.WaitForRescueQuietAsync(DirectoryChangeStream.QuietPeriod, "after the stream converged");
        var differences = await DifferencesAsync(stack, dc, ou, group);
        Assert.True(differences.Count == 0, $"The emulator does not match the directory:\n{string.Join("\n", differences)}\n{stack.Output}");
        Assert.DoesNotContain(await stack.Emulator.GetCalledMethodsAsync(), m => m.Equals("deleteNode", StringComparison.OrdinalIgnoreCase));
    }

    private string UserDn(string ou, string key) => $"CN={key} Rel{_id},{ou}";

    private string Mail(string key, int version) => version == 1 ? $"{key}.{_id}@example.org" : $"{key}.{_id}.v{version}@example.org";

    private async Task CreateMemberAsync(SambaDc dc, string ouName, string ou, string group, string key)
    {
        await CreateUserAsync(dc, ouName, key);
        await LdapAsync(dc, ldap => ldap.AddValue(group, "member", UserDn(ou, key)));
    }

    private Task RemoveAsync(SambaDc dc, string ou, string group, string key, HashSet<string> removed)
    {
        lock (removed)
        {
            removed.Add(Mail(key, 1));
        }

        return LdapAsync(dc, ldap => ldap.RemoveValue(group, "member", UserDn(ou, key)));
    }

    // samba-tool, as an administrator does it: an enabled account with a password. Retried while the DC restarts.
    private async Task CreateUserAsync(SambaDc dc, string ouName, string key)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dc.SambaToolAsync("user", "create", $"{key}{_id}", "Passw0rd!rel", $"--given-name={key}", $"--surname=Rel{_id}",
                    $"--mail-address={Mail(key, 1)}", $"--userou=OU={ouName}");
                return;
            }
            catch (InvalidOperationException ex) when (attempt > 1 && ex.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
            catch (InvalidOperationException) when (deadline.Elapsed < RetryFor)
            {
                await Task.Delay(1000);
            }
        }
    }

    // An LDAP change retried while the DC is down; a retry that finds its own effect in place counts as done.
    private static async Task LdapAsync(SambaDc dc, Action<LdapAdmin> change)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var ldap = new LdapAdmin(dc.Url, dc.AdminBindName, dc.AdminPassword);
                change(ldap);
                return;
            }
            catch (DirectoryOperationException ex) when (attempt > 1 && ex.Response?.ResultCode is ResultCode.AttributeOrValueExists
                or ResultCode.NoSuchAttribute or ResultCode.EntryAlreadyExists or ResultCode.UnwillingToPerform)
            {
                return;
            }
            catch (Exception ex) when ((ex is LdapException or DirectoryOperationException) && deadline.Elapsed < RetryFor)
            {
                await Task.Delay(1000);
            }
        }
    }

    private static async Task AssertNoUnexpectedDisableAsync(SyncStack stack, HashSet<string> removed)
    {
        HashSet<string> allowed;
        lock (removed)
        {
            allowed = [.. removed];
        }

        var wrong = (await stack.Emulator.GetTechniciansAsync()).Where(t => t.Status != "Enabled" && !allowed.Contains(t.Email)).ToList();
        Assert.True(wrong.Count == 0, $"Disabled although never removed: {string.Join("; ", wrong)}\n{stack.Output}");
    }

    private static async Task WaitUntilConvergedAsync(SyncStack stack, SambaDc dc, string ou, string group, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<string> differences = [];
        while (deadline.Elapsed < timeout)
        {
            differences = await DifferencesAsync(stack, dc, ou, group);
            if (differences.Count == 0)
            {
                return;
            }

            await Task.Delay(500);
        }
        Assert.Fail($"The emulator did not converge for {what} within {timeout.TotalSeconds:0} s:\n{string.Join("\n", differences)}\n{stack.Output}");
    }

    // Expected state from the DC itself: a member is an Enabled technician, a user of the OU who is not a member a Disabled one
    // (only users synced before they were removed are ever removed), each with the directory's current name and mail.
    private static async Task<IReadOnlyList<string>> DifferencesAsync(SyncStack stack, SambaDc dc, string ou, string group)
    {
        List<(string Name, string Mail, string Status)> expected;
        try
        {
            using var connection = Ldap.Bind(dc.Url, dc.AdminBindName, dc.AdminPassword);
            var members = (Ldap.Find(connection, group, "member")?.Attributes["member"]?.GetValues(typeof(string)).Cast<string>() ?? [])
                .Select(dn => dn.ToLowerInvariant()).ToHashSet();
            var response = (SearchResponse)connection.SendRequest(new SearchRequest(ou, "(&(objectClass=user)(objectCategory=person))",
                SearchScope.OneLevel, "givenName", "sn", "displayName", "mail"));
            expected = [.. response.Entries.Cast<SearchResultEntry>().Select(e => (
                e.Attributes["displayName"] is { Count: > 0 } d ? (string)d[0] : $"{e.Attributes["givenName"][0]} {e.Attributes["sn"][0]}",
                (string)e.Attributes["mail"][0],
                members.Contains(e.DistinguishedName.ToLowerInvariant()) ? "Enabled" : "Disabled"))];
        }
        catch (LdapException ex)
        {
            return [$"the DC cannot be read: {ex.Message}"];
        }
        var technicians = await stack.Emulator.GetTechniciansAsync();
        var differences = new List<string>();
        foreach (var duplicate in technicians.GroupBy(t => t.Email).Where(g => g.Count() > 1))
        {
            differences.Add($"duplicate technicians for {duplicate.Key}: {string.Join("; ", duplicate)}");
        }

        foreach (var user in expected)
        {
            var found = technicians.Where(t => t.Name == user.Name).ToList();
            if (found.Count != 1)
            {
                differences.Add($"{user.Name}: {found.Count} technicians, expected 1 ({user.Mail}, {user.Status})");
            }
            else if (found[0].Email != user.Mail || found[0].Status != user.Status || found[0].Deleted)
            {
                differences.Add($"{user.Name}: {found[0]}, expected {user.Mail} {user.Status}");
            }
        }
        if (technicians.Count != expected.Count)
        {
            differences.Add($"{technicians.Count} technicians, expected {expected.Count}");
        }

        return differences;
    }
}
