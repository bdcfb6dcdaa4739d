using RescueAdSync.Benchmarks.Directories;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>A directory the reader scenario runs against, with the ldapsearch baseline for exactly its read.</summary>
/// <param name="Operations">Counts LDAP operations (OpenLDAP's cn=Monitor); null where the server has none.</param>
public sealed record ReaderTarget(
    string Label,
    int Users,
    DirectoryConnectionSettings Settings,
    string GroupDn,
    Func<CancellationToken, Task<TimeSpan>> Baseline,
    Func<LdapOperationCounter>? Operations);
