using System.DirectoryServices.Protocols;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Kerberos;

public sealed class KerberosProbeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        await using var dc = await SambaDc.StartHardenedAsync("127.0.0.46");
        var dir = Directory.CreateTempSubdirectory().FullName;
        async Task<DirectoryConnectionSettings> User(string name)
        {
            var keytab = await dc.CreateUserWithKeytabAsync(name, "Passw0rd!p1", Path.Combine(dir, name + ".keytab"));
            return new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [$"ldap://{dc.HostName}"], "", "", dc.BaseDn,
                Auth: DirectoryAuth.Kerberos, KerberosPrincipal: $"{name}@{dc.Realm}", KeytabBase64: Convert.ToBase64String(File.ReadAllBytes(keytab)));
        }
        void Try(string what, DirectoryConnectionSettings s)
        {
            try
            {
                using var c = LdapConnectionFactory.Open(s.ServerUrls[0], s, TimeSpan.FromSeconds(20));
                LdapConnectionFactory.Bind(c, s);
                var r = (SearchResponse)c.SendRequest(new SearchRequest(s.BaseDn, "(objectClass=user)", SearchScope.Subtree, "cn"));
                output.WriteLine($"{what}: OK {r.Entries.Count}");
            }
            catch (Exception ex)
            {
                output.WriteLine($"{what}: {ex.GetType().Name} {(ex as LdapException)?.ErrorCode} '{ex.Message}' server='{(ex as LdapException)?.ServerErrorMessage}'");
            }
        }
        var good = await User("probe");
        Try("good", good);
        Try("ldaps", good with { ServerUrls = [$"ldaps://{dc.HostName}"], TlsMode = DirectoryTlsMode.Ldaps, AllowInsecureTls = true });
        Try("starttls", good with { TlsMode = DirectoryTlsMode.StartTls, AllowInsecureTls = true });
        Environment.SetEnvironmentVariable("PROBE_MAXSSF", "0");
        Try("ldaps0", good with { ServerUrls = [$"ldaps://{dc.HostName}"], TlsMode = DirectoryTlsMode.Ldaps, AllowInsecureTls = true });
        Try("starttls0", good with { TlsMode = DirectoryTlsMode.StartTls, AllowInsecureTls = true });
        var wrong = await User("wrongkt");
        await dc.SambaToolAsync("user", "setpassword", "wrongkt", "--newpassword=Passw0rd!p2");
        Try("wrongkeytab", wrong);
        var deleted = await User("deleted");
        await dc.SambaToolAsync("user", "delete", "deleted");
        Try("unknown", deleted);
        var disabled = await User("disabled");
        await dc.SambaToolAsync("user", "disable", "disabled");
        Try("disabled", disabled);
        var expired = await User("expired");
        await dc.SambaToolAsync("user", "setexpiry", "expired", "--days=0");
        Try("expired", expired);
        var nokdc = await User("nokdc");
        var hosts = $"127.0.0.46 nokdc{DateTime.UtcNow.Ticks}.example.org";
        Try("kdc-unreachable-realm", nokdc with { KerberosPrincipal = "nokdc@NOWHERE.INVALID" });
    }
}
