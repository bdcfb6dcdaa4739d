using System.Globalization;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>StartTLS with a configured CA bundle: trusted when the CA signed the server's certificate, refused otherwise.</summary>
public sealed class SlapdTlsTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private const string Suffix = "dc=example,dc=org";
    private const string AdminDn = "cn=admin,dc=example,dc=org";
    private const string Password = "tls-admin";
    private readonly string _dir = Directory.CreateTempSubdirectory("reader-slapd-tls-").FullName;
    private readonly int _port = Ports.GetFree();
    private readonly Dictionary<string, string?> _environment = new() { ["SLAPD_ADMIN_PASSWORD"] = Password };

    private string Url => $"ldap://127.0.0.1:{_port}";

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
        await Shell.ScriptAsync("slapd.sh", _environment, "start", slapd, port, Suffix);
        await Shell.ScriptAsync("slapd.sh", _environment, "stop", slapd);
        // TLS settings are global directives: they must come before the first database.
        var conf = Path.Combine(slapd, "slapd.conf");
        await File.WriteAllTextAsync(conf,
            $"TLSCACertificateFile {Pki("ca.pem")}\nTLSCertificateFile {Pki("server.pem")}\nTLSCertificateKeyFile {Pki("server.key")}\n"
            + await File.ReadAllTextAsync(conf));
        await Shell.ScriptAsync("slapd.sh", _environment, "start", slapd, port, Suffix);

        using var admin = new LdapAdmin(Url, AdminDn, Password);
        admin.Add("uid=tess,ou=people,dc=example,dc=org", ("objectClass", ["inetOrgPerson"]), ("uid", ["tess"]), ("cn", ["Tess Tls"]),
            ("sn", ["Tls"]), ("mail", ["tess@example.org"]));
        admin.Add("cn=techs,ou=groups,dc=example,dc=org", ("objectClass", ["groupOfNames"]), ("cn", ["techs"]),
            ("member", ["uid=tess,ou=people,dc=example,dc=org"]));
    }

    public async Task DisposeAsync()
    {
        await Shell.ScriptAsync("slapd.sh", _environment, "stop", Path.Combine(_dir, "slapd"));
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>StartTLS with the CA bundle (PEM text) as the directory connection carries it.</summary>
    private FakeConfigApi Config(Guid mappingId, string caFile = "ca.pem") => new(
        new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [Url], AdminDn, Password, Suffix, PollIntervalSeconds: 1,
            TlsMode: DirectoryTlsMode.StartTls, CaBundlePem: File.ReadAllText(Pki(caFile))),
        new Mapping(mappingId, "cn=techs,ou=groups,dc=example,dc=org", 3, false, true, DateTimeOffset.UtcNow));

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
        var config = Config(mappingId, "other-ca.pem");
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Empty(capture.For(mappingId));
        Assert.Equal("bind", config.SyncLog.First().Operation);
        Assert.DoesNotContain(Password, config.SyncLog.First().Message);
    }

    private static Task OpenSsl(params string[] args) => Shell.RunAsync("openssl", args);
}
