using System.DirectoryServices.Protocols;
using System.Text;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.Config.Directories;

/// <summary>
/// Checks a directory connection the way the reader will use it and says, line by line, what works and what to change:
/// which servers answered, TLS, the bind identity as the server sees it, the base DN, the change tracking the reader
/// relies on, and each mapping's group. Every connection goes through <see cref="LdapConnectionFactory"/>, so the
/// preflight binds exactly as the reader does. Each check is one small function returning its lines.
/// </summary>
public sealed class DirectoryPreflight(TimeProvider time, DomainControllerLocator locator, ILogger<DirectoryPreflight> logger)
{
    /// <summary>Per server and per request: short enough that a save with a dead server still answers quickly.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>LDAP "Who am I?" (RFC 4532).</summary>
    public const string WhoAmIOid = "1.3.6.1.4.1.4203.1.11.3";

    /// <summary>The accesslog database's suffix, as the reader reads deletes from it.</summary>
    private const string AccessLogSuffix = "cn=accesslog";

    public Task<DirectoryPreflightReport> RunAsync(string name, DirectoryConnectionSettings settings, IReadOnlyList<PreflightMapping> mappings,
        CancellationToken cancellationToken) =>
        // libldap calls block; keep them off the request thread's synchronous path.
        Task.Run(() => Run(name, settings, mappings), cancellationToken);

    public DirectoryPreflightReport Run(string name, DirectoryConnectionSettings settings, IReadOnlyList<PreflightMapping> mappings)
    {
        var checks = new List<DirectoryCheck>();
        var servers = Servers(settings, checks);
        using var session = Connect(settings, servers, checks);
        checks.AddRange(TlsChecks(settings, servers));
        checks.Add(BindCheck(settings, session));
        if (session.Connection is { } connection)
        {
            checks.Add(BaseDnCheck(connection, settings));
            if (settings.Kind == DirectoryKind.ActiveDirectory)
            {
                checks.Add(DirSyncCheck(connection));
            }
            else
            {
                checks.Add(ContextCsnCheck(connection, settings));
                checks.Add(AccessLogCheck(connection, settings));
            }
            checks.AddRange(mappings.Select(mapping => MappingCheck(connection, settings, mapping)));
        }

        var report = new DirectoryPreflightReport(name, checks.Max(check => check.Status), checks);
        logger.DirectoryPreflighted(name, report.Status, checks.Count(c => c.Status == DirectoryCheckStatus.Warn), checks.Count(c => c.Status == DirectoryCheckStatus.Fail));
        return report;
    }

    /// <summary>
    /// Whether a URL names this host (localhost or a loopback address): only then does plain LDAP keep the bind password
    /// off the network.
    /// </summary>
    public static bool IsOnThisHost(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.IsLoopback;

    /// <summary>
    /// The servers to try, as the reader finds them: the connection's URLs, or for a domain the domain controllers DNS
    /// names (a "dns" line says how many, or why none).
    /// </summary>
    private IReadOnlyList<string> Servers(DirectoryConnectionSettings settings, List<DirectoryCheck> checks)
    {
        if (DomainControllerLocator.NormalizeDomain(settings.Domain) is not { } domain)
        {
            return settings.ServerUrls ?? [];
        }
        var site = string.IsNullOrWhiteSpace(settings.Site) ? "" : $", site {settings.Site.Trim()} first";
        try
        {
            var urls = locator.Candidates(settings).ToList();
            checks.Add(new DirectoryCheck("dns", DirectoryCheckStatus.Pass,
                $"DNS names {urls.Count} domain controller(s) for {domain}{site}, tried in this order: {string.Join(", ", urls)}"));
            return urls;
        }
        catch (DirectoryConnectionException ex)
        {
            checks.Add(new DirectoryCheck("dns", DirectoryCheckStatus.Fail, ex.Message,
                $"Check the domain's spelling and that the name server asked has its SRV records (dig SRV _ldap._tcp.dc._msdcs.{domain} @<server>); "
                + "point dnsServer at a domain controller or at a resolver that forwards the AD zone (adsync directory set --dns-server …)."));
            return [];
        }
    }

    /// <summary>
    /// Tries every server in order (one line each: answered, with the time, or why not) and keeps the first one that
    /// took the bind for the checks that follow. A server that answered but refused the bind still answered.
    /// </summary>
    private Session Connect(DirectoryConnectionSettings settings, IReadOnlyList<string> servers, List<DirectoryCheck> checks)
    {
        var session = new Session();
        var unreachable = new List<(string Url, TimeSpan Elapsed, string Reason)>();
        var answered = 0;
        try
        {
            LdapConnectionFactory.EnsureBindIdentity(settings);
        }
        catch (DirectoryConnectionException ex)
        {
            session.BindFailure = ex.Message;
            return session;
        }
        foreach (var url in servers)
        {
            var started = time.GetTimestamp();
            LdapConnection? connection = null;
            try
            {
                connection = LdapConnectionFactory.Open(url, settings, Timeout);
                LdapConnectionFactory.Bind(connection, settings);
                checks.Add(Answered(url, time.GetElapsedTime(started)));
                answered++;
                if (session.Connection is null)
                {
                    (session.Connection, session.Url, connection) = (connection, url, null);
                }
            }
            catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
            {
                var elapsed = time.GetElapsedTime(started);
                if (IsNoAnswer(ex))
                {
                    unreachable.Add((url, elapsed, LdapFailureReason.Describe(url, ex, settings)));
                    continue;
                }
                checks.Add(Answered(url, elapsed));
                answered++;
                if (session.BindFailure is null)
                {
                    (session.BindFailure, session.BindFailureUrl, session.BindFix) = (LdapFailureReason.Describe(url, ex, settings), url, BindFix(ex));
                }
            }
            finally
            {
                connection?.Dispose();
            }
        }
        // A dead server among live ones costs a failover at every connect; with none alive nothing works.
        var status = answered > 0 ? DirectoryCheckStatus.Warn : DirectoryCheckStatus.Fail;
        checks.AddRange(unreachable.Select(server => new DirectoryCheck("server", status,
            $"{server.Url} did not answer ({Milliseconds(server.Elapsed)}): {server.Reason}",
            "Check the URL (scheme, host, port), that the server runs and that this host reaches it (DNS, firewall); for ldaps:// or StartTLS, that its certificate is trusted (caBundlePem) and issued for the host name in the URL.")));
        return session;
    }

    private static DirectoryCheck Answered(string url, TimeSpan elapsed) =>
        new("server", DirectoryCheckStatus.Pass, $"{url} answered in {Milliseconds(elapsed)}");

    /// <summary>libldap's "server unavailable" (81, a failed TLS handshake too) or "connect error" (91): nothing answered.</summary>
    private static bool IsNoAnswer(Exception exception) =>
        exception is LdapException { ErrorCode: 81 or 91 } or UriFormatException or DirectoryConnectionException;

    private static string Milliseconds(TimeSpan elapsed) => $"{Math.Round(elapsed.TotalMilliseconds):0} ms";

    private static IEnumerable<DirectoryCheck> TlsChecks(DirectoryConnectionSettings settings, IReadOnlyList<string> servers)
    {
        var trust = string.IsNullOrWhiteSpace(settings.CaBundlePem) ? "the system CA store" : "the connection's caBundlePem";
        if (settings.Auth == DirectoryAuth.Kerberos)
        {
            yield return new DirectoryCheck("tls", DirectoryCheckStatus.Pass,
                "Kerberos (SASL GSSAPI) signs and seals the session: no password is sent, and a DC that requires LDAP signing accepts it without TLS.");
        }
        else if (settings.TlsMode == DirectoryTlsMode.None)
        {
            var remote = servers.Where(url => !IsOnThisHost(url)).ToList();
            yield return remote.Count == 0
                ? new DirectoryCheck("tls", DirectoryCheckStatus.Pass, "No TLS, to a server on this host only (loopback): nothing crosses the network.")
                : new DirectoryCheck("tls", DirectoryCheckStatus.Warn,
                    $"No TLS: the bind password and the directory's data cross the network in clear to {string.Join(", ", remote)}.",
                    "Use ldaps:// URLs with tlsMode Ldaps (adsync directory set --server ldaps://… --tls Ldaps), or tlsMode StartTls on ldap:// URLs; domains that require LDAP signing refuse a password bind without either.");
        }
        else if (!settings.AllowInsecureTls)
        {
            yield return new DirectoryCheck("tls", DirectoryCheckStatus.Pass,
                $"{(settings.TlsMode == DirectoryTlsMode.Ldaps ? "ldaps://" : "StartTLS")} in force, the server certificate checked against {trust}.");
        }
        if (settings.AllowInsecureTls)
        {
            yield return new DirectoryCheck("tls", DirectoryCheckStatus.Warn,
                settings.TlsMode == DirectoryTlsMode.None
                    ? "allowInsecureTls is set: without TLS it has no effect yet, but once TLS is on any server certificate will be accepted."
                    : "allowInsecureTls is set: any server certificate is accepted, so anyone on the path can pose as the directory and read the bind password.",
                "Give the CA that signed the servers' certificates and turn the flag off: adsync directory set --ca-bundle ca.pem --allow-insecure-tls false.");
        }
    }

    private static DirectoryCheck BindCheck(DirectoryConnectionSettings settings, Session session)
    {
        if (session.Connection is not { } connection)
        {
            const string skipped = " The base DN, change tracking and mappings were not checked.";
            return session.BindFailure is { } failure
                ? new DirectoryCheck("bind", DirectoryCheckStatus.Fail,
                    session.BindFailureUrl is null ? failure + skipped : $"The bind as '{LdapConnectionFactory.BindIdentity(settings)}' at {session.BindFailureUrl} failed: {failure}.{skipped}",
                    session.BindFix ?? "Set the bind DN and the password: adsync directory set --bind-dn … (the password is read from standard input).")
                : new DirectoryCheck("bind", DirectoryCheckStatus.Fail, "Not tried: no server answered." + skipped, "Make a server answer first (see the server lines).");
        }
        try
        {
            var response = (ExtendedResponse)connection.SendRequest(new ExtendedRequest(WhoAmIOid), Timeout);
            var identity = response.ResponseValue is { Length: > 0 } value ? Encoding.UTF8.GetString(value) : "";
            return identity.Length == 0
                ? new DirectoryCheck("bind", DirectoryCheckStatus.Fail, $"The bind at {session.Url} succeeded but the server sees an anonymous connection.",
                    "Check the bind DN and password: an empty password or an unknown DN may be taken as an anonymous bind.")
                : new DirectoryCheck("bind", DirectoryCheckStatus.Pass, $"Bound at {session.Url}; the server sees {identity} (Who am I?).");
        }
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            // The bind itself succeeded; without RFC 4532 (Samba) the account's entry is the closest the server can say.
            var entry = settings.Kind == DirectoryKind.ActiveDirectory ? AccountEntry(connection, LdapConnectionFactory.BindIdentity(settings)) : null;
            return new DirectoryCheck("bind", DirectoryCheckStatus.Pass,
                $"Bound at {session.Url} as {LdapConnectionFactory.BindIdentity(settings)}{(entry is null ? "" : $", the account {entry}")}; the server does not answer Who am I? ({ex.Message}).");
        }
    }

    /// <summary>The DN of the Active Directory account a bind name (DN, user@domain or DOMAIN\user) names; null when not found.</summary>
    private static string? AccountEntry(LdapConnection connection, string bindName)
    {
        var account = bindName.Contains('\\', StringComparison.Ordinal) ? bindName[(bindName.LastIndexOf('\\') + 1)..]
            : bindName.Contains('@', StringComparison.Ordinal) ? bindName[..bindName.LastIndexOf('@')]
            : null;
        var filter = $"(|(distinguishedName={LdapEscape.FilterValue(bindName)})(userPrincipalName={LdapEscape.FilterValue(bindName)})"
            + (account is null ? ")" : $"(sAMAccountName={LdapEscape.FilterValue(account)}))");
        try
        {
            if (RootDse(connection, "defaultNamingContext").FirstOrDefault() is not { } root)
            {
                return null;
            }
            var request = new SearchRequest(root, $"(&(objectClass=user){filter})", SearchScope.Subtree, "1.1") { SizeLimit = 2 };
            var entries = ((SearchResponse)connection.SendRequest(request, Timeout)).Entries;
            return entries.Count == 1 ? entries[0].DistinguishedName : null;
        }
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            return null;
        }
    }

    private static string BindFix(Exception exception)
    {
        if (exception is LdapException { ErrorCode: 8 }
            || exception is DirectoryOperationException operation
               && (operation.Response?.ResultCode == ResultCode.StrongAuthRequired || operation.Message.StartsWith("Strong authentication is required", StringComparison.Ordinal)))
        {
            return "The server refuses a password bind without TLS: use ldaps:// URLs with --tls Ldaps, or --tls StartTls (adsync directory set), and give its CA with --ca-bundle.";
        }
        if (exception is LdapException { ErrorCode: 49 }
            || exception is DirectoryOperationException { Response.ResultCode: (ResultCode)49 }
            || exception.Message.Contains("credential", StringComparison.OrdinalIgnoreCase))
        {
            return "Check the bind DN (a DN, or user@domain for Active Directory) and set the password again: adsync directory set --bind-dn … (the password is read from standard input); check that the account is enabled and not locked.";
        }
        return "Check the bind DN and password, and that the account may log on to the directory.";
    }

    private static DirectoryCheck BaseDnCheck(LdapConnection connection, DirectoryConnectionSettings settings)
    {
        try
        {
            var found = Search(connection, settings.BaseDn, "(objectClass=*)", SearchScope.Base, "1.1").Entries.Count > 0;
            if (found)
            {
                return new DirectoryCheck("base-dn", DirectoryCheckStatus.Pass, $"The base DN {settings.BaseDn} exists.");
            }
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.NoSuchObject or ResultCode.InvalidDNSyntax)
        {
        }
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            return new DirectoryCheck("base-dn", DirectoryCheckStatus.Fail, $"The base DN {settings.BaseDn} could not be read: {ex.Message}",
                "Check that the bind identity may read the base DN.");
        }
        var contexts = NamingContexts(connection);
        return new DirectoryCheck("base-dn", DirectoryCheckStatus.Fail, $"The base DN '{settings.BaseDn}' does not exist (or the bind identity cannot see it).",
            "Set an existing entry with adsync directory set --base-dn …" + (contexts.Count > 0 ? $"; the server holds {string.Join(", ", contexts)}." : "."));
    }

    /// <summary>Tries a DirSync search as the reader does; an empty result set is enough, the right is checked up front.</summary>
    private static DirectoryCheck DirSyncCheck(LdapConnection connection)
    {
        try
        {
            var root = RootDse(connection, "defaultNamingContext").FirstOrDefault()
                ?? throw new DirectoryConnectionException("The rootDSE has no defaultNamingContext.");
            var request = new SearchRequest(root, "(&(objectClass=user)(!(objectClass=user)))", SearchScope.Subtree, "objectGUID");
            request.Controls.Add(new DirSyncRequestControl([], DirectorySynchronizationOptions.IncrementalValues, int.MaxValue) { IsCritical = true });
            var response = (SearchResponse)connection.SendRequest(request, Timeout);
            return response.Controls.OfType<DirSyncResponseControl>().Any()
                ? new DirectoryCheck("dirsync", DirectoryCheckStatus.Pass, "DirSync available: incremental reads cost what changed.")
                : new DirectoryCheck("dirsync", DirectoryCheckStatus.Warn, "uSNChanged fallback in use: the server answered a DirSync search without a DirSync answer.", DirSyncFix);
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.InsufficientAccessRights or ResultCode.UnwillingToPerform
            or ResultCode.UnavailableCriticalExtension)
        {
            return new DirectoryCheck("dirsync", DirectoryCheckStatus.Warn,
                "uSNChanged fallback in use (grant Replicating Directory Changes for faster incremental reads).", DirSyncFix);
        }
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            return new DirectoryCheck("dirsync", DirectoryCheckStatus.Warn, $"uSNChanged fallback in use: the DirSync search failed ({ex.Message}).", DirSyncFix);
        }
    }

    private const string DirSyncFix =
        "Grant the bind account \"Replicating Directory Changes\" on the domain root (Active Directory Users and Computers → domain → Properties → Security, or dsacls \"DC=…\" /G \"DOMAIN\\account:CA;Replicating Directory Changes\").";

    /// <summary>The reader's high-water mark on OpenLDAP: the contextCSN of the suffix that holds the base DN (syncprov).</summary>
    private static DirectoryCheck ContextCsnCheck(LdapConnection connection, DirectoryConnectionSettings settings)
    {
        const string fix = "Load the syncprov overlay on the database that holds the base DN (overlay syncprov) and let the bind identity read its suffix entry.";
        try
        {
            var suffix = RootDse(connection, "namingContexts")
                .Where(context => settings.BaseDn.EndsWith(context, StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(context => context.Length)
                .FirstOrDefault();
            if (suffix is null)
            {
                return new DirectoryCheck("context-csn", DirectoryCheckStatus.Fail, $"No naming context of the server holds the base DN '{settings.BaseDn}'.",
                    "Set a base DN under one of the server's naming contexts (adsync directory set --base-dn …).");
            }
            var entries = Search(connection, suffix, "(objectClass=*)", SearchScope.Base, "contextCSN").Entries;
            var csn = entries.Count > 0 ? entries[0].Attributes["contextCSN"]?.GetValues(typeof(string)).OfType<string>().FirstOrDefault() : null;
            return csn is null
                ? new DirectoryCheck("context-csn", DirectoryCheckStatus.Fail, $"The suffix {suffix} has no readable contextCSN: the reader cannot tell what changed.", fix)
                : new DirectoryCheck("context-csn", DirectoryCheckStatus.Pass, $"contextCSN of {suffix} readable: incremental reads by entryCSN.");
        }
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            return new DirectoryCheck("context-csn", DirectoryCheckStatus.Fail, $"The contextCSN could not be read: {ex.Message}", fix);
        }
    }

    /// <summary>Deleted entries: OpenLDAP forgets them, so the reader reads deletes from the accesslog database.</summary>
    private static DirectoryCheck AccessLogCheck(LdapConnection connection, DirectoryConnectionSettings settings)
    {
        var missing = new DirectoryCheck("accesslog", DirectoryCheckStatus.Warn,
            $"No readable accesslog at {AccessLogSuffix}: a deleted user is noticed only at the next full read (every {settings.ReconcileMinutes} min).",
            $"Load the accesslog overlay on the directory's database with logdb {AccessLogSuffix}, logops writes and logsuccess TRUE, and let the bind identity read {AccessLogSuffix}.");
        try
        {
            return Search(connection, AccessLogSuffix, "(objectClass=*)", SearchScope.Base, "1.1").Entries.Count > 0
                ? new DirectoryCheck("accesslog", DirectoryCheckStatus.Pass, $"accesslog at {AccessLogSuffix} readable: deletes are seen at the next cycle.")
                : missing;
        }
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            return missing;
        }
    }

    private static DirectoryCheck MappingCheck(LdapConnection connection, DirectoryConnectionSettings settings, PreflightMapping mapping)
    {
        var label = $"Mapping {mapping.Id}: group {mapping.GroupDn}";
        try
        {
            if (CountMembers(connection, settings.Kind, mapping.GroupDn) is not { } members)
            {
                return GroupMissing(label, mapping);
            }
            var nested = mapping.Nested ? " (nested groups among them are expanded by the reader)" : "";
            return members == 0
                ? new DirectoryCheck("mapping", DirectoryCheckStatus.Warn, $"{label} found, with no members: the mapping would disable every technician it created.",
                    "Add the technicians to the group, or point the mapping at the right group (adsync mapping update <id> --group …).")
                : new DirectoryCheck("mapping", DirectoryCheckStatus.Pass, $"{label} found, {members} direct member(s){nested}.");
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.NoSuchObject or ResultCode.InvalidDNSyntax)
        {
            return GroupMissing(label, mapping);
        }
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            return new DirectoryCheck("mapping", DirectoryCheckStatus.Fail, $"{label} could not be read: {ex.Message}",
                "Check that the bind identity may read the group and its member attribute.");
        }
    }

    private static DirectoryCheck GroupMissing(string label, PreflightMapping mapping) =>
        new("mapping", DirectoryCheckStatus.Fail, $"{label} not found (or not visible to the bind identity).",
            $"Point the mapping at an existing group: adsync mapping update {mapping.Id} --group <DN> (or --group-name <name>), or create the group.");

    /// <summary>
    /// The group's direct member values; null when the group does not exist. Active Directory hands out large member
    /// lists in ranges (member;range=0-1499), read here range by range.
    /// </summary>
    private static long? CountMembers(LdapConnection connection, DirectoryKind kind, string groupDn)
    {
        string[] attributes = kind == DirectoryKind.ActiveDirectory ? ["member"] : ["member", "uniqueMember", "memberUid"];
        var entries = Search(connection, groupDn, "(objectClass=*)", SearchScope.Base, attributes).Entries;
        if (entries.Count == 0)
        {
            return null;
        }
        long count = 0;
        var entry = entries[0];
        while (true)
        {
            string? nextRange = null;
            foreach (string attribute in entry.Attributes.AttributeNames)
            {
                count += entry.Attributes[attribute].Count;
                if (attribute.StartsWith("member;range=", StringComparison.OrdinalIgnoreCase) && !attribute.EndsWith("-*", StringComparison.Ordinal)
                    && long.TryParse(attribute[(attribute.LastIndexOf('-') + 1)..], out var last))
                {
                    nextRange = $"member;range={last + 1}-*";
                }
            }
            if (nextRange is null)
            {
                return count;
            }
            var next = Search(connection, groupDn, "(objectClass=*)", SearchScope.Base, nextRange).Entries;
            if (next.Count == 0)
            {
                return count;
            }
            entry = next[0];
        }
    }

    private static List<string> NamingContexts(LdapConnection connection)
    {
        try
        {
            return RootDse(connection, "namingContexts");
        }
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            return [];
        }
    }

    private static List<string> RootDse(LdapConnection connection, string attribute)
    {
        var entries = Search(connection, "", "(objectClass=*)", SearchScope.Base, attribute).Entries;
        return entries.Count == 0 || entries[0].Attributes[attribute] is not { } values
            ? []
            : values.GetValues(typeof(string)).OfType<string>().ToList();
    }

    private static SearchResponse Search(LdapConnection connection, string baseDn, string filter, SearchScope scope, params string[] attributes) =>
        (SearchResponse)connection.SendRequest(new SearchRequest(baseDn, filter, scope, attributes), Timeout);


    /// <summary>The connection the checks after the bind use, or why there is none.</summary>
    private sealed class Session : IDisposable
    {
        public LdapConnection? Connection { get; set; }

        public string? Url { get; set; }

        public string? BindFailure { get; set; }

        public string? BindFailureUrl { get; set; }

        public string? BindFix { get; set; }

        public void Dispose() => Connection?.Dispose();
    }
}
