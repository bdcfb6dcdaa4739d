using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;
using RescueAdSync.ServiceDefaults.Ldap;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Kerberos;

/// <summary>
/// The reader binds with a Kerberos keytab (SASL GSSAPI, signed and sealed) to a domain controller that refuses simple
/// binds on plain LDAP, renews its tickets from the keytab, and says what to do when the keytab or principal is wrong.
/// </summary>
public sealed class KerberosReaderTests(HardenedSambaFixture samba, RabbitMqFixture rabbit)
    : IClassFixture<HardenedSambaFixture>, IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly Guid _mappingId = Guid.NewGuid();
    private UserChangedCapture? _capture;

    private SambaDc Dc => samba.Dc;

    private UserChangedCapture Capture => _capture ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _capture = await UserChangedCapture.StartAsync(rabbit.Broker);

    public async Task DisposeAsync()
    {
        if (_capture is not null)
        {
            await _capture.DisposeAsync();
        }
    }

    /// <summary>A service account with its keytab exported, as an AD administrator gives one (samba-tool domain exportkeytab).</summary>
    private async Task<DirectoryConnectionSettings> ServiceAccountAsync(string name)
    {
        var keytab = await Dc.CreateUserWithKeytabAsync(name, "Svc-Passw0rd!1", Path.Combine(samba.KeytabDirectory, $"{name}.keytab"));
        return new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [$"ldap://{Dc.HostName}"], "", "", Dc.BaseDn, PollIntervalSeconds: 1,
            Auth: DirectoryAuth.Kerberos, KerberosPrincipal: $"{name}@{Dc.Realm}",
            KeytabBase64: Convert.ToBase64String(await File.ReadAllBytesAsync(keytab)));
    }

    /// <summary>A group with members that have a mail address, made with samba-tool (no simple bind is possible here).</summary>
    private async Task<string> GroupWithMembersAsync(params string[] members)
    {
        var group = $"techs{_suffix}";
        await Dc.SambaToolAsync("group", "add", group);
        foreach (var member in members)
        {
            await AddMemberAsync(group, member);
        }
        return $"CN={group},CN=Users,{Dc.BaseDn}";
    }

    private async Task AddMemberAsync(string group, string member)
    {
        await Dc.SambaToolAsync("user", "create", $"{member}{_suffix}", "Member-Passw0rd!1", $"--mail-address={member}{_suffix}@example.org",
            $"--given-name={member}", "--surname=Tester");
        await Dc.SambaToolAsync("group", "addmembers", group, $"{member}{_suffix}");
    }

    [Fact]
    public async Task A_keytab_bind_syncs_a_mapped_group_over_plain_ldap_from_a_DC_that_refuses_simple_binds()
    {
        // The DC refuses a password on plain LDAP: this is the hardened configuration.
        var simple = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [$"ldap://{Dc.HostName}"], Dc.AdminBindName, Dc.AdminPassword, Dc.BaseDn);
        using (var refused = LdapConnectionFactory.Open(simple.ServerUrls[0], simple, TimeSpan.FromSeconds(20)))
        {
            var error = Assert.ThrowsAny<Exception>(() => LdapConnectionFactory.Bind(refused, simple));
            Assert.Contains("Kerberos", LdapFailureReason.Describe(simple.ServerUrls[0], error, simple), StringComparison.Ordinal);
        }

        var directory = await ServiceAccountAsync($"sync{_suffix}");
        var groupDn = await GroupWithMembersAsync("alice", "bob");
        var config = new FakeConfigApi(directory, new Mapping(_mappingId, groupDn, 42, false, true, DateTimeOffset.UtcNow));
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        var messages = await Capture.WaitForAsync(_mappingId, 2, TimeSpan.FromSeconds(60));
        Assert.Equal([$"alice{_suffix}@example.org", $"bob{_suffix}@example.org"], messages.Select(m => m.Email).Order(StringComparer.Ordinal));
        Assert.All(messages, m => Assert.Equal(UserState.Enabled, m.State));

        // Incremental reads go on through the same kind of bind.
        await AddMemberAsync($"techs{_suffix}", "carol");
        var added = (await Capture.WaitForAsync(_mappingId, 3, TimeSpan.FromSeconds(60)))[2];
        Assert.Equal($"carol{_suffix}@example.org", added.Email);
        Assert.Empty(config.SyncLog);
    }

    [Fact]
    public async Task The_domain_and_the_keytab_are_all_it_takes_domain_controllers_from_DNS_and_a_Kerberos_bind_to_the_one_found()
    {
        // The operator's guide set-up: the domain (its DNS names the domain controllers) and the keytab; no server URL,
        // no bind DN, no password. The domain controller found is the realm's KDC too.
        var account = await ServiceAccountAsync($"dom{_suffix}");
        var directory = account with { ServerUrls = [], Domain = Dc.Domain, DnsServer = Dc.Ip };
        var groupDn = await GroupWithMembersAsync("dora");
        var config = new FakeConfigApi(directory, new Mapping(_mappingId, groupDn, 42, false, true, DateTimeOffset.UtcNow));
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        Assert.Equal($"dora{_suffix}@example.org", Assert.Single(await Capture.WaitForAsync(_mappingId, 1, TimeSpan.FromSeconds(60))).Email);
        Assert.Empty(config.SyncLog);
    }

    [Fact]
    public async Task A_keytab_mounted_as_a_file_wins_over_the_stored_one()
    {
        var directory = await ServiceAccountAsync($"mounted{_suffix}");
        var mounted = Path.Combine(samba.KeytabDirectory, $"mounted{_suffix}.keytab");
        var groupDn = await GroupWithMembersAsync("gina");
        // The stored keytab is another account's: only the mounted file can make this bind work.
        var other = await ServiceAccountAsync($"other{_suffix}");
        var config = new FakeConfigApi(directory with { KeytabBase64 = other.KeytabBase64 },
            new Mapping(_mappingId, groupDn, 42, false, true, DateTimeOffset.UtcNow));
        try
        {
            await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker,
                new Dictionary<string, string?> { ["Directory:KeytabFile"] = mounted });
            Assert.Equal($"gina{_suffix}@example.org", Assert.Single(await Capture.WaitForAsync(_mappingId, 1, TimeSpan.FromSeconds(60))).Email);
            Assert.Empty(config.SyncLog);
        }
        finally
        {
            KerberosEnvironment.KeytabFile = null;
        }
    }

    [Fact]
    public async Task Tickets_that_expire_are_renewed_from_the_keytab_and_the_next_sync_has_no_error()
    {
        // Samba's KDC refuses a ticket-granting ticket with less than about two minutes left ("Ticket expired"), before
        // MIT's own refresh at half its life: with three minutes the reader meets that refusal too, and must get past it.
        var lifetime = TimeSpan.FromMinutes(3);
        var directory = await ServiceAccountAsync($"renew{_suffix}");
        var groupDn = await GroupWithMembersAsync("dave");
        var config = new FakeConfigApi(directory, new Mapping(_mappingId, groupDn, 42, false, true, DateTimeOffset.UtcNow));
        try
        {
            await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker,
                new Dictionary<string, string?> { ["Directory:KerberosTicketLifetime"] = lifetime.ToString("c", CultureInfo.InvariantCulture) });
            Assert.Single(await Capture.WaitForAsync(_mappingId, 1, TimeSpan.FromSeconds(60)));

            // The ticket-granting ticket the first bind obtained, and its end as the KDC set it.
            var cache = KerberosEnvironment.CredentialCache(directory.KerberosPrincipal!) ?? throw new InvalidOperationException("No credential cache.");
            var first = await TicketGrantingTicketAsync(cache);
            Assert.InRange(first.Expires - first.Starts, TimeSpan.FromSeconds(30), lifetime + TimeSpan.FromSeconds(5));

            // Past its end, the reader (polling every second) has bound again with a new one from the keytab.
            await OpenLdapReaderTests.WaitUntilAsync(() => DateTime.Now > first.Expires.AddSeconds(5), seconds: 240);
            var renewed = await TicketGrantingTicketAsync(cache);
            Assert.True(renewed.Starts > first.Starts, $"The ticket was not renewed: {first} then {renewed}.");

            // A change after the renewal is read as usual, and no cycle failed meanwhile.
            await AddMemberAsync($"techs{_suffix}", "erin");
            Assert.Equal($"erin{_suffix}@example.org", (await Capture.WaitForAsync(_mappingId, 2, TimeSpan.FromSeconds(60)))[1].Email);
            Assert.Empty(config.SyncLog);
        }
        finally
        {
            KerberosEnvironment.TicketLifetime = null;
        }
    }

    [Fact]
    public async Task A_keytab_of_an_old_password_and_an_unknown_principal_are_sync_log_errors_that_say_what_to_do()
    {
        var stale = await ServiceAccountAsync($"stale{_suffix}");
        await Dc.SambaToolAsync("user", "setpassword", $"stale{_suffix}", "--newpassword=Svc-Passw0rd!2");
        var gone = await ServiceAccountAsync($"gone{_suffix}");
        await Dc.SambaToolAsync("user", "delete", $"gone{_suffix}");
        var groupDn = await GroupWithMembersAsync("frank");

        var config = new FakeConfigApi(stale, new Mapping(_mappingId, groupDn, 42, false, true, DateTimeOffset.UtcNow));
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty, seconds: 60);
        var wrongKeytab = config.SyncLog.First();
        Assert.Equal((SyncLogLevel.Error, "bind"), (wrongKeytab.Level, wrongKeytab.Operation));
        Assert.Contains($"the keytab's keys are not stale{_suffix}@{Dc.Realm}'s current keys", wrongKeytab.Message, StringComparison.Ordinal);
        Assert.Contains("export a new keytab", wrongKeytab.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(stale.KeytabBase64!, wrongKeytab.Message, StringComparison.Ordinal);

        config.SyncLog.Clear();
        config.Directory = gone;
        await OpenLdapReaderTests.WaitUntilAsync(() => config.SyncLog.Any(e => e.Message.Contains($"gone{_suffix}", StringComparison.Ordinal)), seconds: 60);
        var unknown = config.SyncLog.First(e => e.Message.Contains($"gone{_suffix}", StringComparison.Ordinal));
        Assert.Contains($"the domain's KDC knows no principal gone{_suffix}@{Dc.Realm}", unknown.Message, StringComparison.Ordinal);
        Assert.Empty(Capture.For(_mappingId));
    }

    [Fact]
    public async Task A_server_given_by_address_and_a_KDC_that_cannot_be_reached_get_their_own_messages()
    {
        var directory = await ServiceAccountAsync($"addr{_suffix}");
        var byAddress = directory with { ServerUrls = [$"ldap://{Dc.Ip}"] };
        Assert.Contains("write the domain controller's own host name in the URL", BindFailure(byAddress), StringComparison.Ordinal);

        // An LDAP port that accepts connections on a host with no KDC: libkrb5 finds nobody on port 88.
        using var listener = new TcpListener(IPAddress.Parse("127.0.0.146"), 0);
        listener.Start();
        var host = $"nokdc{_suffix}.example.org";
        using var hosts = HostsFileEntry.Add("127.0.0.146", host);
        var noKdc = directory with { ServerUrls = [$"ldap://{host}:{((IPEndPoint)listener.LocalEndpoint).Port}"] };
        Assert.Contains($"no KDC of realm {Dc.Realm} could be reached", BindFailure(noKdc), StringComparison.Ordinal);
    }

    private static string BindFailure(DirectoryConnectionSettings settings)
    {
        var url = settings.ServerUrls[0];
        try
        {
            using var connection = LdapConnectionFactory.Open(url, settings, TimeSpan.FromSeconds(20));
            LdapConnectionFactory.Bind(connection, settings);
            connection.SendRequest(new SearchRequest(settings.BaseDn, "(objectClass=*)", SearchScope.Base));
        }
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            return LdapFailureReason.Describe(url, ex, settings);
        }
        throw new InvalidOperationException($"The bind to {url} succeeded.");
    }

    private sealed record Ticket(DateTime Starts, DateTime Expires);

    /// <summary>The krbtgt ticket in a credential cache, read with klist (times in this host's local time).</summary>
    private static async Task<Ticket> TicketGrantingTicketAsync(string cache)
    {
        var start = new ProcessStartInfo("klist", ["-c", "FILE:" + cache]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = text.Split('\n').FirstOrDefault(l => l.Contains("krbtgt/", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No ticket-granting ticket in {cache}: {text}");
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        DateTime Parse(string date, string time) =>
            DateTime.ParseExact($"{date} {time}", ["MM/dd/yy HH:mm:ss", "MM/dd/yyyy HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None);
        return new Ticket(Parse(parts[0], parts[1]), Parse(parts[2], parts[3]));
    }
}
