namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// One "address name" line in /etc/hosts for as long as a test needs a name to resolve through the system resolver
/// (libldap, Kerberos); removed again on dispose. The line is tagged so that one left by a crashed run is recognisable.
/// </summary>
public sealed class HostsFileEntry : IDisposable
{
    private const string HostsFile = "/etc/hosts";
    private const string Tag = "# rescue-adsync test";
    private static readonly Lock Gate = new();
    private readonly string _line;

    private HostsFileEntry(string line) => _line = line;

    public static HostsFileEntry Add(string ip, string hostName)
    {
        var line = $"{ip} {hostName} {Tag}";
        lock (Gate)
        {
            // A line with the same name from a crashed run would win over ours: the first match counts.
            var kept = File.ReadAllLines(HostsFile).Where(existing => !IsOurs(existing, hostName)).Append(line);
            File.WriteAllLines(HostsFile, kept);
        }
        return new HostsFileEntry(line);
    }

    public void Dispose()
    {
        lock (Gate)
        {
            File.WriteAllLines(HostsFile, File.ReadAllLines(HostsFile).Where(existing => existing != _line));
        }
    }

    private static bool IsOurs(string line, string hostName) =>
        line.EndsWith(Tag, StringComparison.Ordinal) && line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(hostName);
}
