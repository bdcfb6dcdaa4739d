using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// <see cref="LdapDirectoryConnector"/> against the real slapd behind a <see cref="ResettingTcpProxy"/>: a connection
/// that libldap reports as "server unavailable" (LDAP 81) is tried once more on the same URL before the URL counts as
/// failed, so that a blip is not a sync-log error; a server that stays unavailable still fails after that one retry, and
/// other errors (a wrong password) are not retried.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class ServerDownRetryTests(SlapdFixture slapd) : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly ILoggerFactory _loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug));

    private LdapDirectoryConnector Connector()
    {
        _loggerFactory.AddProvider(_logs);
        return new LdapDirectoryConnector(Options.Create(new ReaderOptions()), _loggerFactory.CreateLogger<LdapDirectoryConnector>(),
            new DomainControllerLocator(TimeProvider.System, _loggerFactory.CreateLogger<DomainControllerLocator>()), new ReaderAttributeSet());
    }

    private DirectoryConnectionSettings Settings(string[] urls, string? password = null) =>
        new(DirectoryKind.OpenLdap, urls, slapd.Server.AdminDn, password ?? slapd.Server.AdminPassword, slapd.Server.BaseDn,
            PollIntervalSeconds: 1);

    private ResettingTcpProxy Proxy(Func<int, bool> reset) => new("127.0.0.1", slapd.Server.Port, reset);

    private static string Url(ResettingTcpProxy proxy) => $"ldap://127.0.0.1:{proxy.Port}";

    private string[] Warnings => [.. _logs.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message)];

    public void Dispose() => _loggerFactory.Dispose();

    [Fact]
    public async Task A_connection_reset_at_the_first_bind_is_retried_on_the_same_url_and_the_session_reads()
    {
        await using var proxy = Proxy(number => number == 1);
        var connector = Connector();

        using var session = connector.Connect(Settings([Url(proxy)]));

        Assert.Equal(Url(proxy), session.ServerUrl);
        Assert.True(session.ReadHighWaterMark().Version > 0);
        Assert.Equal(2, proxy.Accepted);
        var warning = Assert.Single(Warnings);
        Assert.Contains(Url(proxy), warning);
        Assert.Contains("LDAP 81", warning);
        Assert.Contains("once more", warning);
    }

    [Fact]
    public async Task A_server_that_resets_every_connection_fails_after_exactly_two_attempts_naming_its_url()
    {
        await using var proxy = Proxy(_ => true);
        var connector = Connector();

        var error = Assert.Throws<DirectoryReadException>(() => connector.Connect(Settings([Url(proxy)])));

        Assert.Contains(Url(proxy), error.Message);
        Assert.Contains("LDAP 81", error.Message);
        Assert.Equal(2, proxy.Accepted);
        Assert.Equal(2, Warnings.Length);
    }

    [Fact]
    public async Task A_url_that_stays_unavailable_after_its_retry_fails_over_to_the_next_url()
    {
        await using var down = Proxy(_ => true);
        await using var up = Proxy(_ => false);
        var connector = Connector();

        using var session = connector.Connect(Settings([Url(down), Url(up)]));

        Assert.Equal(Url(up), session.ServerUrl);
        Assert.True(session.ReadHighWaterMark().Version > 0);
        Assert.Equal((2, 1), (down.Accepted, up.Accepted));
    }

    [Fact]
    public async Task A_wrong_password_is_not_retried()
    {
        await using var proxy = Proxy(_ => false);
        var connector = Connector();

        var error = Assert.Throws<DirectoryReadException>(() => connector.Connect(Settings([Url(proxy)], password: "not-the-password")));

        Assert.Contains(Url(proxy), error.Message);
        Assert.Contains("LDAP 49", error.Message);
        Assert.Equal(1, proxy.Accepted);
        Assert.DoesNotContain("once more", Assert.Single(Warnings));
    }
}
