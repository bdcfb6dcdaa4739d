using System.Globalization;
using Microsoft.Extensions.Logging;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// TLS to a real slapd with a test CA, over StartTLS (ldap://) and LDAPS (ldaps://): trusted when the configured CA signed
/// the server's certificate for the name in the URL; refused (fail closed: a sync-log error, nothing published) without
/// the CA, with another CA, or for a name the certificate does not carry; accepted anyway only with the insecure flag,
/// which warns. The certificate is issued for IP 127.0.0.1 only, so ldaps://localhost is the "wrong name".
/// </summary>
public sealed class SlapdTlsTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private const string Suffix = "dc=example,dc=org";
    private const string AdminDn = "cn=admin,dc=example,dc=org";
    private const string Password = "tls-admin";
    private readonly string _dir = Directory.CreateTempSubdirectory("reader-slapd-tls-").FullName;
    private readonly int _port = Ports.GetFree();
    private readonly int _ldapsPort = Ports.GetFree();

    /// <summary>The first start seeds the directory without TLS (slapd refuses an ldaps:// listener without a certificate).</summary>
    private readonly Dictionary<string, string?> _plainEnvironment = new() { ["SLAPD_ADMIN_PASSWORD"] = Password };

    private Dictionary<string, string?> ScriptEnvironment => new()
    {
        ["SLAPD_ADMIN_PASSWORD"] = Password,
        ["SLAPD_LDAPS_PORT"] = _ldapsPort.ToString(CultureInfo.InvariantCulture),
    };

    private string Url => $"ldap://127.0.0.1:{_port}";

    private string LdapsUrl => $"ldaps://127.0.0.1:{_ldapsPort}";

    private string Pki(string file) => Path.Combine(_dir, "pki", file);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "pki"));
        await OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", Pki("ca.key"), "-out", Pki("ca.pem"), "-subj", "/CN=reader-test-ca", "-days", "1");
        await OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", Pki("other.key"), "-out", Pki("other-ca.pem"), "-subj", "/CN=other-ca", "-days", "1");
        await OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", Pki("server.key"), "-out", Pki("server.csr"), "-subj", "/CN=127.0.0.1");
        await File.WriteAllTextAsync(Pki("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        await OpenSsl("x509", "-req", "-in", Pki("server.csr"), "-CA", Pki("ca.pem"), "-CAkey", Pki("ca.key"), "-CAcreateserial",
            "-out", Pki("server.pem"), "-days", "1", "-extfile", Pki("san.ext"));

        var slapd = Path.Combine(_dir, "slapd");
        var port = _port.ToString(CultureInfo.InvariantCulture);
        await Shell.ScriptAsync("slapd.sh", _plainEnvironment, "start", slapd, port, Suffix);
        await Shell.ScriptAsync("slapd.sh", _plainEnvironment, "stop", slapd);
        // TLS settings are global directives: they must come before the first database.
        var conf = Path.Combine(slapd, "slapd.conf");
        await File.WriteAllTextAsync(conf,
            $"TLSCACertificateFile {Pki("ca.pem")}\nTLSCertificateFile {Pki("server.pem")}\nTLSCertificateKeyFile {Pki("server.key")}\n"
            + await File.ReadAllTextAsync(conf));
        await Shell.ScriptAsync("slapd.sh", ScriptEnvironment, "start", slapd, port, Suffix);

        using var admin = new LdapAdmin(Url, AdminDn, Password);
        admin.Add("uid=tess,ou=people,dc=example,dc=org", ("objectClass", ["inetOrgPerson"]), ("uid", ["tess"]), ("cn", ["Tess Tls"]),
            ("sn", ["Tls"]), ("mail", ["tess@example.org"]));
        admin.Add("cn=techs,ou=groups,dc=example,dc=org", ("objectClass", ["groupOfNames"]), ("cn", ["techs"]),
            ("member", ["uid=tess,ou=people,dc=example,dc=org"]));
    }

    public async Task DisposeAsync()
    {
        await Shell.ScriptAsync("slapd.sh", ScriptEnvironment, "stop", Path.Combine(_dir, "slapd"));
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>
    /// The directory connection as the config service serves it: StartTLS for ldap:// URLs, LDAPS for ldaps:// ones, the CA
    /// bundle as PEM text (none when <paramref name="caFile"/> is null), and the insecure flag.
    /// </summary>
    private FakeConfigApi Config(Guid mappingId, string? url = null, string? caFile = "ca.pem", bool insecure = false)
    {
        url ??= Url;
        var mode = url.StartsWith("ldaps://", StringComparison.Ordinal) ? DirectoryTlsMode.Ldaps : DirectoryTlsMode.StartTls;
        return new(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [url], AdminDn, Password, Suffix, PollIntervalSeconds: 1,
                TlsMode: mode, CaBundlePem: caFile is null ? null : File.ReadAllText(Pki(caFile)), AllowInsecureTls: insecure),
            new Mapping(mappingId, "cn=techs,ou=groups,dc=example,dc=org", 3, false, true, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task StartTls_with_the_signing_ca_reads_the_directory()
    {
        var mappingId = Guid.NewGuid();
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using var reader = await ReaderHost.StartAsync(Config(mappingId), rabbit.Broker);

        var message = Assert.Single(await capture.WaitForAsync(mappingId, 1));
        Assert.Equal(("tess@example.org", UserState.Enabled), (message.Email, message.State));
    }

    [Fact]
    public async Task StartTls_with_an_unrelated_ca_refuses_the_server_before_binding_and_logs_it()
    {
        var mappingId = Guid.NewGuid();
        var config = Config(mappingId, caFile: "other-ca.pem");
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty);
        await reader.PollsAsync();

        Assert.Empty(capture.For(mappingId));
        Assert.Equal("bind", config.SyncLog.First().Operation);
        Assert.DoesNotContain(Password, config.SyncLog.First().Message);
    }

    [Fact]
    public async Task Ldaps_with_the_signing_ca_reads_the_directory()
    {
        var mappingId = Guid.NewGuid();
        var config = Config(mappingId, LdapsUrl);
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        var message = Assert.Single(await capture.WaitForAsync(mappingId, 1));
        Assert.Equal(("tess@example.org", UserState.Enabled), (message.Email, message.State));
        Assert.Empty(config.SyncLog);
    }

    [Theory]
    [InlineData("no CA bundle (the system store does not know the test CA)", null, false)]
    [InlineData("another CA", "other-ca.pem", false)]
    [InlineData("a host name the certificate does not carry", "ca.pem", true)]
    public async Task Ldaps_fails_closed_with_a_sync_log_error_and_publishes_nothing(string why, string? caFile, bool wrongName)
    {
        var mappingId = Guid.NewGuid();
        var config = Config(mappingId, wrongName ? $"ldaps://localhost:{_ldapsPort}" : LdapsUrl, caFile);
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty);
        await reader.PollsAsync();

        Assert.True(capture.For(mappingId).Count == 0, $"Published despite {why}.");
        var entry = config.SyncLog.First();
        Assert.Equal((SyncLogLevel.Error, "bind", mappingId), (entry.Level, entry.Operation, entry.MappingId));
        Assert.Contains("TLS", entry.Message);
        Assert.Contains(config.Directory.ServerUrls[0], entry.Message);
        Assert.All(config.SyncLog, e => Assert.DoesNotContain(Password, e.Message));
    }

    [Fact]
    public async Task The_insecure_flag_reads_an_untrusted_server_warns_and_does_not_weaken_other_connections()
    {
        var mappingId = Guid.NewGuid();
        var log = new LogCapture();
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using (var insecure = await ReaderHost.StartAsync(
            Config(mappingId, $"ldaps://localhost:{_ldapsPort}", caFile: null, insecure: true), rabbit.Broker,
            configure: builder => builder.Logging.AddProvider(log)))
        {
            // Neither the issuer nor the name is checked: the unknown CA and the wrong name both pass.
            var message = Assert.Single(await capture.WaitForAsync(mappingId, 1));
            Assert.Equal("tess@example.org", message.Email);
        }
        Assert.Contains(log.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("NOT verified", StringComparison.Ordinal));

        // The same process, a reader without the flag: the check is per connection, so this one still refuses.
        var strictMapping = Guid.NewGuid();
        var strict = Config(strictMapping, LdapsUrl, caFile: null);
        await using var secure = await ReaderHost.StartAsync(strict, rabbit.Broker);
        await OpenLdapReaderTests.WaitUntilAsync(() => !strict.SyncLog.IsEmpty);
        Assert.Empty(capture.For(strictMapping));
        Assert.Equal("bind", strict.SyncLog.First().Operation);
    }

    private static Task OpenSsl(params string[] args) => Shell.RunAsync("openssl", args);
}
