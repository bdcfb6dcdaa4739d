using Microsoft.Extensions.Logging;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// The reader given an Active Directory domain instead of server URLs: it finds the domain controllers through the DNS
/// SRV records of a real, hardened Samba DC (its own DNS server; simple binds only over TLS) and reads a group there.
/// </summary>
public sealed class DomainDiscoveryReaderTests(HardenedSambaFixture samba, RabbitMqFixture rabbit)
    : IClassFixture<HardenedSambaFixture>, IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly Guid _mappingId = Guid.NewGuid();
    private UserChangedCapture? _captureConnection;

    private UserChangedCapture Capture => _captureConnection ?? throw new InvalidOperationException("Not initialized.");

    private SambaDc Dc => samba.Dc;

    private string GroupDn => $"CN=techs{_suffix},CN=Users,{Dc.BaseDn}";

    public async Task InitializeAsync() => _captureConnection = await UserChangedCapture.StartAsync(rabbit.Broker);

    public async Task DisposeAsync()
    {
        if (_captureConnection is not null)
        {
            await _captureConnection.DisposeAsync();
        }
    }

    private async Task AddMemberAsync(string login, string given, string surname)
    {
        await Dc.SambaToolAsync("user", "create", login, $"Passw0rd!{_suffix}", "--use-username-as-cn", $"--given-name={given}", $"--surname={surname}",
            $"--mail-address={login}@example.org");
        await Dc.SambaToolAsync("group", "add", $"techs{_suffix}");
        await Dc.SambaToolAsync("group", "addmembers", $"techs{_suffix}", login);
    }

    /// <summary>What the config service serves for a connection set with a domain: no server URLs, the domain's base DN.</summary>
    private FakeConfigApi Config(DirectoryTlsMode tls, string domain = "example.org", string? site = null) => new(
        new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [], Dc.AdminBindName, Dc.AdminPassword, Dc.BaseDn,
            PollIntervalSeconds: 1, TlsMode: tls, CaBundlePem: Dc.CaCertificatePem, Domain: domain, Site: site, DnsServer: HardenedSambaFixture.Ip),
        new Mapping(_mappingId, GroupDn, 42, false, true, DateTimeOffset.UtcNow));

    [Theory]
    [InlineData(DirectoryTlsMode.Ldaps)]
    [InlineData(DirectoryTlsMode.StartTls)]
    public async Task Given_only_the_domain_and_its_dns_server_the_reader_finds_the_domain_controller_and_syncs_the_group(DirectoryTlsMode tls)
    {
        var login = $"jane{_suffix}";
        await AddMemberAsync(login, "Jane", "Jones");
        var config = Config(tls);

        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        var message = Assert.Single(await Capture.WaitForAsync(_mappingId, 1, TimeSpan.FromSeconds(60)));

        Assert.Equal((UserState.Enabled, $"{login}@example.org", "Jane Jones"), (message.State, message.Email, message.DisplayName));
        Assert.Empty(config.SyncLog);
    }

    [Fact]
    public async Task When_the_best_srv_target_of_the_site_is_down_the_next_one_serves_without_a_sync_error()
    {
        var site = $"branch{_suffix}";
        var dead = $"down{_suffix}.{Dc.Domain}";
        using var deadName = HostsFileEntry.Add(HardenedSambaFixture.DeadIp, dead);
        // Priority 0 is tried first: a host name that resolves, to an address and port where nothing listens; the real DC comes second.
        await samba.AddMsdcsSrvAsync($"_ldap._tcp.{site}._sites.dc", dead, HardenedSambaFixture.DeadPort, 0, 100);
        await samba.AddMsdcsSrvAsync($"_ldap._tcp.{site}._sites.dc", Dc.HostName!, 389, 10, 100);
        var login = $"omar{_suffix}";
        await AddMemberAsync(login, "Omar", "Ortiz");
        var config = Config(DirectoryTlsMode.StartTls, site: site);
        var log = new LogCapture();

        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker,
            configure: builder => builder.Logging.AddProvider(log).SetMinimumLevel(LogLevel.Information));
        var message = Assert.Single(await Capture.WaitForAsync(_mappingId, 1, TimeSpan.FromSeconds(60)));

        Assert.Equal($"{login}@example.org", message.Email);
        Assert.Empty(config.SyncLog);
        // The site's order was followed: the dead target was asked first, the DC after it.
        var lines = log.Lines.Select(line => line.Message).ToList();
        Assert.Contains(lines, line => line.Contains($"ldap://{dead}:{HardenedSambaFixture.DeadPort}", StringComparison.Ordinal) && line.StartsWith("Bind to", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains($"in the order they are tried: ldap://{dead}:{HardenedSambaFixture.DeadPort}, ldap://{Dc.HostName}:389", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_site_without_records_falls_back_to_the_domain_wide_domain_controllers()
    {
        var login = $"ivy{_suffix}";
        await AddMemberAsync(login, "Ivy", "Innes");
        var config = Config(DirectoryTlsMode.Ldaps, site: $"nosuchsite{_suffix}");

        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        Assert.Equal($"{login}@example.org", Assert.Single(await Capture.WaitForAsync(_mappingId, 1, TimeSpan.FromSeconds(60))).Email);
        Assert.Empty(config.SyncLog);
    }

    [Fact]
    public async Task A_domain_without_srv_records_is_a_sync_log_error_naming_the_domain_and_the_name_server_asked()
    {
        var config = Config(DirectoryTlsMode.Ldaps, domain: $"nowhere{_suffix}.example.org");

        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty);

        var entry = config.SyncLog.First();
        Assert.Equal(SyncLogLevel.Error, entry.Level);
        Assert.Contains($"No domain controller found for nowhere{_suffix}.example.org in DNS (asked {HardenedSambaFixture.Ip}:53)", entry.Message,
            StringComparison.Ordinal);
        Assert.Empty(Capture.For(_mappingId));
    }

    [Fact]
    public async Task When_every_discovered_domain_controller_fails_each_is_named_with_its_reason()
    {
        var site = $"lost{_suffix}";
        var first = $"gone1{_suffix}.{Dc.Domain}";
        var second = $"gone2{_suffix}.{Dc.Domain}";
        using var firstName = HostsFileEntry.Add(HardenedSambaFixture.DeadIp, first);
        using var secondName = HostsFileEntry.Add(HardenedSambaFixture.DeadIp, second);
        await samba.AddMsdcsSrvAsync($"_ldap._tcp.{site}._sites.dc", first, HardenedSambaFixture.DeadPort, 0, 100);
        await samba.AddMsdcsSrvAsync($"_ldap._tcp.{site}._sites.dc", second, HardenedSambaFixture.DeadPort, 5, 100);
        var config = Config(DirectoryTlsMode.StartTls, site: site);

        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty, seconds: 60);

        var message = config.SyncLog.First().Message;
        Assert.Contains($"ldap://{first}:{HardenedSambaFixture.DeadPort}: ", message, StringComparison.Ordinal);
        Assert.Contains($"ldap://{second}:{HardenedSambaFixture.DeadPort}: ", message, StringComparison.Ordinal);
        Assert.True(message.IndexOf(first, StringComparison.Ordinal) < message.IndexOf(second, StringComparison.Ordinal), message);
    }

    /// <summary>A clock the test moves.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Dns_is_asked_again_when_every_known_domain_controller_failed_and_after_an_hour()
    {
        var site = $"moving{_suffix}";
        var first = $"old{_suffix}.{Dc.Domain}";
        await samba.AddMsdcsSrvAsync($"_ldap._tcp.{site}._sites.dc", first, 389, 0, 100);
        var clock = new ManualClock();
        var locator = new ServiceDefaults.Ldap.DomainControllerLocator(clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<ServiceDefaults.Ldap.DomainControllerLocator>.Instance);
        var settings = Config(DirectoryTlsMode.StartTls, site: site).Directory;

        // The first server serves: nothing more is asked.
        Assert.Equal($"ldap://{first}:389", locator.Candidates(settings).First());
        await samba.AddMsdcsSrvAsync($"_ldap._tcp.{site}._sites.dc", Dc.HostName!, 389, 10, 100);
        Assert.Equal([$"ldap://{first}:389"], locator.Candidates(settings).Take(1));

        // Within the hour the known answer is used; once it is exhausted (every server failed) DNS is asked and the new one follows.
        Assert.Equal([$"ldap://{first}:389", $"ldap://{Dc.HostName}:389"], locator.Candidates(settings).ToList());

        // An answer older than an hour is not used: the record added now is in the first list.
        var third = $"new{_suffix}.{Dc.Domain}";
        Assert.Equal($"ldap://{first}:389", locator.Candidates(settings).First());
        await samba.AddMsdcsSrvAsync($"_ldap._tcp.{site}._sites.dc", third, 389, 20, 100);
        Assert.Equal([$"ldap://{first}:389"], locator.Candidates(settings).Take(1));
        clock.Now += ServiceDefaults.Ldap.DomainControllerLocator.MaxAge;
        Assert.Equal([$"ldap://{first}:389", $"ldap://{Dc.HostName}:389", $"ldap://{third}:389"], locator.Candidates(settings).Take(3).ToList());
    }
}
