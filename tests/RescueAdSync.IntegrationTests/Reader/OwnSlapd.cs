using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// A slapd of a test's own, through deploy/local/slapd.sh, for tests that stop and restart the server: stopping the
/// shared one would break the tests running next to it.
/// </summary>
public sealed class OwnSlapd : IAsyncDisposable
{
    public const string Suffix = "dc=example,dc=org";
    public const string AdminDn = "cn=admin,dc=example,dc=org";
    public const string Password = "own-slapd-admin";

    private readonly string _dir;

    private OwnSlapd(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"ldap://127.0.0.1:{Port}";

    public static async Task<OwnSlapd> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("reader-slapd-").FullName;
        var slapd = new OwnSlapd(dir, FreePort());
        await slapd.StartAgainAsync();
        return slapd;
    }

    /// <summary>Starts (or restarts) the server on the same port and data.</summary>
    public Task StartAgainAsync() => RunAsync("start", _dir, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Suffix);

    public Task StopAsync() => RunAsync("stop", _dir);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "deploy", "local", "slapd.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["SLAPD_ADMIN_PASSWORD"] = Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"slapd.sh {string.Join(' ', arguments)} failed: {await output}{await error}");
    }

    private static string RepositoryRoot()
    {
        if (Environment.GetEnvironmentVariable("READER_IT_REPO_ROOT") is { Length: > 0 } root)
        {
            return root;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RescueAdSync.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Repository root not found; set READER_IT_REPO_ROOT.");
    }
}
