using System.Globalization;
using System.Text;
using RescueAdSync.Benchmarks.Stack;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Directories;

/// <summary>
/// A Samba AD DC on the benchmark's own loopback address with <see cref="Users"/> accounts in one group, added over
/// LDAP in one ldapadd session (Samba has no offline loader that keeps its indexes and backlinks right).
/// userAccountControl 544 = NORMAL_ACCOUNT | PASSWD_NOTREQD: enabled without a password, which keeps the load fast.
/// </summary>
public sealed class SambaDirectory : IAsyncDisposable
{
    private readonly SambaDc _dc;

    private SambaDirectory(SambaDc dc, int users, TimeSpan loadTime)
    {
        _dc = dc;
        Users = users;
        LoadTime = loadTime;
    }

    public int Users { get; }
    public TimeSpan LoadTime { get; }
    public string Url => _dc.Url;
    public string BaseDn => _dc.BaseDn;
    public string BindName => _dc.AdminBindName;
    public string Password => _dc.AdminPassword;
    public string OuDn => $"OU=bench,{_dc.BaseDn}";
    public string GroupDn => $"CN=bench-techs,{OuDn}";

    public static async Task<SambaDirectory> CreateAsync(string address, int users, CancellationToken ct)
    {
        var dc = await SambaDc.StartAsync(address, ct);
        try
        {
            var dir = BenchPaths.NewRunDir("samba-ldif");
            var ldif = Path.Combine(dir, "users.ldif");
            await WriteLdifAsync(ldif, $"OU=bench,{dc.BaseDn}", users, ct);
            var load = await Shell.RunCheckedAsync("ldapadd", ["-x", "-H", dc.Url, "-D", dc.AdminBindName, "-w", dc.AdminPassword, "-f", ldif],
                discardStdout: true, ct: ct);
            OpenLdapDirectory.TryDelete(dir);
            return new SambaDirectory(dc, users, load.Elapsed);
        }
        catch
        {
            await dc.DisposeAsync();
            throw;
        }
    }

    private static async Task WriteLdifAsync(string path, string ou, int users, CancellationToken ct)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 20);
        await writer.WriteAsync($"dn: {ou}\nobjectClass: organizationalUnit\n\n".AsMemory(), ct);
        for (var i = 1; i <= users; i++)
        {
            var id = OpenLdapDirectory.UserId(i);
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"dn: CN={id},{ou}\nobjectClass: user\nsAMAccountName: {id}\ngivenName: User\nsn: {i:D6}\ndisplayName: User {i:D6}\nmail: {id}@example.org\nuserPrincipalName: {id}@example.org\nuserAccountControl: 544\n\n").AsMemory(), ct);
        }
        await writer.WriteAsync($"dn: CN=bench-techs,{ou}\nobjectClass: group\nsAMAccountName: bench-techs\n".AsMemory(), ct);
        for (var i = 1; i <= users; i++)
        {
            await writer.WriteAsync($"member: CN={OpenLdapDirectory.UserId(i)},{ou}\n".AsMemory(), ct);
        }

        await writer.WriteAsync("\n".AsMemory(), ct);
    }

    public ValueTask DisposeAsync() => _dc.DisposeAsync();
}
