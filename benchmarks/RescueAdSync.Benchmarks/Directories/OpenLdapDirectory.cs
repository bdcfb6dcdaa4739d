using System.Globalization;
using System.Text;
using RescueAdSync.Benchmarks.Stack;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Directories;

/// <summary>
/// A slapd (deploy/local/slapd.sh's configuration) holding <see cref="Users"/> inetOrgPersons in one group, loaded
/// offline with slapadd: 100,000 entries load in seconds, where LDAP adds would take minutes. slapadd does not run
/// the memberof overlay, so the LDIF carries each user's memberOf itself. cn=Monitor is added to count the
/// operations a reader cycle costs.
/// </summary>
public sealed class OpenLdapDirectory : IAsyncDisposable
{
    public const string Suffix = "dc=example,dc=org";
    public const string Password = "admin";
    private static readonly Dictionary<string, string> ScriptEnvironment = new() { ["SLAPD_ADMIN_PASSWORD"] = Password };
    private readonly string _dir;

    private OpenLdapDirectory(string dir, int port, int users, TimeSpan loadTime)
    {
        _dir = dir;
        Port = port;
        Users = users;
        LoadTime = loadTime;
    }

    public int Port { get; }
    public int Users { get; }

    /// <summary>How long slapadd took (reported, not a target).</summary>
    public TimeSpan LoadTime { get; }

    public string Url => $"ldap://127.0.0.1:{Port}";
    public string AdminDn => $"cn=admin,{Suffix}";
    public string GroupDn => $"cn=bench-techs,ou=groups,{Suffix}";

    public static string UserDn(int i) => $"uid={UserId(i)},ou=people,{Suffix}";
    public static string UserId(int i) => string.Create(CultureInfo.InvariantCulture, $"u{i:D6}");
    public static string Email(int i) => $"{UserId(i)}@example.org";

    public static async Task<OpenLdapDirectory> CreateAsync(int users, CancellationToken ct)
    {
        var dir = BenchPaths.NewRunDir($"slapd-{users}");
        var port = Ports.GetFree();
        var script = BenchPaths.Script("slapd.sh");
        var portText = port.ToString(CultureInfo.InvariantCulture);
        // First start writes the configuration and the base entries; then load the users offline.
        await Shell.RunCheckedAsync("bash", [script, "start", dir, portText, Suffix], ScriptEnvironment, ct: ct);
        await Shell.RunCheckedAsync("bash", [script, "stop", dir], ct: ct);
        await File.AppendAllTextAsync(Path.Combine(dir, "slapd.conf"), "\n# Operation counters for the benchmark.\ndatabase monitor\n", ct);
        var ldif = Path.Combine(dir, "users.ldif");
        await WriteLdifAsync(ldif, users, ct);
        var load = await Shell.RunCheckedAsync("slapadd", ["-q", "-f", Path.Combine(dir, "slapd.conf"), "-b", Suffix, "-l", ldif], ct: ct);
        File.Delete(ldif);
        await Shell.RunCheckedAsync("bash", [script, "start", dir, portText, Suffix], ScriptEnvironment, ct: ct);
        return new OpenLdapDirectory(dir, port, users, load.Elapsed);
    }

    private static async Task WriteLdifAsync(string path, int users, CancellationToken ct)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 20);
        var group = $"cn=bench-techs,ou=groups,{Suffix}";
        for (var i = 1; i <= users; i++)
        {
            var id = UserId(i);
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"dn: {UserDn(i)}\nobjectClass: inetOrgPerson\nuid: {id}\ncn: User {i:D6}\nsn: {i:D6}\ngivenName: User\ndisplayName: User {i:D6}\nmail: {Email(i)}\nmemberOf: {group}\n\n").AsMemory(), ct);
        }
        await writer.WriteAsync($"dn: {group}\nobjectClass: groupOfNames\ncn: bench-techs\n".AsMemory(), ct);
        for (var i = 1; i <= users; i++)
        {
            await writer.WriteAsync($"member: {UserDn(i)}\n".AsMemory(), ct);
        }

        await writer.WriteAsync("\n".AsMemory(), ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Shell.RunAsync("bash", [BenchPaths.Script("slapd.sh"), "stop", _dir]);
        TryDelete(_dir);
    }

    internal static void TryDelete(string dir)
    {
        if (Environment.GetEnvironmentVariable("ADSYNC_KEEP_RUN_DIRS") is { Length: > 0 })
        {
            return;
        }

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
