using System.CommandLine;
using RescueAdSync.Cli.Input;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary>
/// <c>adsync directory list|show|set|test|remove</c>: the LDAP / Active Directory connections the ad-readers use. Without
/// --name a command works on the connection named "default".
/// </summary>
public static class DirectoryCommands
{
    private const string What = "Directory connection";

    public static Command Create(CommandRunner runner)
    {
        var directory = new Command("directory", "Directory connections: the Active Directory domain or LDAP URLs, TLS, bind identity, base DN, poll and reconciliation intervals.");
        directory.Add(List(runner));
        directory.Add(Show(runner));
        directory.Add(Set(runner));
        directory.Add(Test(runner));
        directory.Add(Remove(runner));
        return directory;
    }

    private static Option<string> NameOption() => new("--name")
    {
        Description = $"The connection's name (lower-case letters, digits, '-'; default \"{DirectoryNames.Default}\"). Mappings and readers (Reader__Directory) refer to it.",
        DefaultValueFactory = _ => DirectoryNames.Default,
    };

    private static string PathOf(string? name) => $"api/directories/{Uri.EscapeDataString((name ?? DirectoryNames.Default).Trim().ToLowerInvariant())}";

    private static Command List(CommandRunner runner)
    {
        var list = new Command("list", "List the directory connections.");
        runner.SetAction(list, async (_, context, ct) =>
        {
            var directories = (await context.Api.GetAsync<DirectoryConnectionView[]>("api/directories", "Directory connections", ct)).Value;
            if (context.Json)
            {
                context.WriteJson(directories);
                return ExitCodes.Ok;
            }

            var table = new TextTable("Name", "Kind", "Servers", "TLS", "Base DN", "Updated");
            foreach (var d in directories)
            {
                table.Add(d.Name, d.Kind.ToString(), Servers(d), d.TlsMode.ToString(), d.BaseDn, Formats.Time(d.UpdatedAt));
            }

            table.WriteTo(context.Out);
            context.Note($"{directories.Length} directory connection(s).");
            return ExitCodes.Ok;
        });
        return list;
    }

    private static Command Show(CommandRunner runner)
    {
        var name = NameOption();
        var show = new Command("show", "Show a directory connection; the bind password only as set / not set.") { name };
        runner.SetAction(show, async (parse, context, ct) =>
        {
            var directoryName = parse.GetValue(name);
            var directory = await context.Api.FindAsync<DirectoryConnectionView>(PathOf(directoryName), What, ct)
                ?? throw new CliException(ExitCodes.NotFound,
                    $"The directory connection '{directoryName}' is not set yet: run 'adsync directory set{(directoryName == DirectoryNames.Default ? "" : $" --name {directoryName}")}'.");
            Write(context, directory.Value);
            return ExitCodes.Ok;
        });
        return show;
    }

    private static Command Set(CommandRunner runner)
    {
        var name = NameOption();
        var kind = new Option<DirectoryKind?>("--kind") { Description = "ActiveDirectory or OpenLdap (default: the stored one)." };
        var domain = new Option<string?>("--domain")
        {
            Description = "The Active Directory domain, e.g. corp.example.com: its domain controllers are found through DNS SRV records (instead of --server).",
        };
        var site = new Option<string?>("--site") { Description = "With --domain: the Active Directory site whose domain controllers are asked first; \"\" for none." };
        var dnsServer = new Option<string?>("--dns-server") { Description = "With --domain: the name server asked for the SRV records, IP[:PORT] (default: the system's resolvers); \"\" for the system's." };
        var servers = new Option<string[]>("--server")
        {
            Description = "An ldap:// or ldaps:// URL; repeat for several servers (instead of --domain; default: the stored ones).",
            Arity = ArgumentArity.OneOrMore,
        };
        var bindDn = new Option<string?>("--bind-dn") { Description = "The bind identity (DN or user@domain)." };
        var baseDn = new Option<string?>("--base-dn") { Description = "Where users are searched, e.g. DC=corp,DC=example,DC=org." };
        var poll = new Option<int?>("--poll-interval") { Description = "Seconds between directory polls (1-86400; default 2 or the stored one)." };
        var tls = new Option<DirectoryTlsMode?>("--tls") { Description = "None, StartTls (ldap:// URLs) or Ldaps (ldaps:// URLs); default: the stored one, else None." };
        var caBundle = new Option<FileInfo?>("--ca-bundle") { Description = "A PEM file with the CA certificates that sign the servers' certificates (default: the stored one, else the system store)." };
        var noCaBundle = new Option<bool>("--no-ca-bundle") { Description = "Forget the stored CA bundle: trust the system store." };
        var insecure = new Option<bool?>("--allow-insecure-tls") { Description = "true: accept any server certificate (labs only; the reader warns at start)." };
        var disabledAttribute = new Option<string?>("--disabled-attribute") { Description = "OpenLDAP: the attribute that marks a disabled account, e.g. pwdAccountLockedTime; \"\" for none." };
        var reconcile = new Option<int?>("--reconcile-minutes") { Description = "Minutes between two full reads of each mapping (1-10080; default 360)." };
        var keepSecrets = new Option<bool>("--keep-secrets") { Description = "Do not read the bind password or a keytab; keep the stored one." };
        var auth = new Option<DirectoryAuth?>("--auth") { Description = "Simple (bind DN and password) or Kerberos (principal and keytab; no password stored); default: the stored one, else Simple." };
        var principal = new Option<string?>("--principal") { Description = "Kerberos: the service's principal, user@REALM (e.g. rescue-sync@CORP.EXAMPLE.COM)." };
        var keytab = new Option<FileInfo?>("--keytab") { Description = "Kerberos: the principal's keytab file (from ktpass or samba-tool domain exportkeytab)." };
        var keytabStdin = new Option<bool>("--keytab-stdin") { Description = "Kerberos: read the keytab's bytes from standard input." };
        var set = new Command("set", """
            Create or update a directory connection.

            The bind password is read from the first line of standard input, or prompted without echo on a terminal;
            an empty line keeps the stored one. It is never accepted as an argument: arguments are visible to every
            local user (ps, /proc/<pid>/cmdline) and stay in shell history.

            With --auth Kerberos no password is read: the services bind as --principal with the keys of the keytab
            given by --keytab FILE or --keytab-stdin (its bytes on standard input); without either the stored keytab
            is kept.
            """) { name, kind, domain, site, dnsServer, servers, bindDn, baseDn, poll, tls, caBundle, noCaBundle, insecure, disabledAttribute, reconcile, keepSecrets,
                auth, principal, keytab, keytabStdin };
        runner.SetAction(set, async (parse, context, ct) =>
        {
            var path = PathOf(parse.GetValue(name));
            if (parse.GetValue(caBundle) is not null && parse.GetValue(noCaBundle))
            {
                throw new CliException(ExitCodes.Usage, "--ca-bundle and --no-ca-bundle contradict each other.");
            }

            var pem = parse.GetValue(caBundle) is { } file ? ReadPem(file) : null;
            var current = await context.Api.FindAsync<DirectoryConnectionView>(path, What, ct);
            var stored = current?.Value;
            var authMode = parse.GetValue(auth) ?? stored?.Auth ?? DirectoryAuth.Simple;
            if (parse.GetValue(keytab) is not null && parse.GetValue(keytabStdin))
            {
                throw new CliException(ExitCodes.Usage, "--keytab and --keytab-stdin contradict each other.");
            }
            if (authMode != DirectoryAuth.Kerberos && (parse.GetValue(keytab) is not null || parse.GetValue(keytabStdin) || parse.GetValue(principal) is not null))
            {
                throw new CliException(ExitCodes.Usage, "--principal, --keytab and --keytab-stdin need --auth Kerberos.");
            }
            string? keytabBase64 = null;
            if (parse.GetValue(keytab) is { } keytabFile)
            {
                keytabBase64 = Convert.ToBase64String(ReadKeytab(keytabFile));
            }
            else if (parse.GetValue(keytabStdin))
            {
                keytabBase64 = Convert.ToBase64String(ReadKeytabFromStdin());
            }
            var password = parse.GetValue(keepSecrets) || authMode == DirectoryAuth.Kerberos ? "" : SecretReader.Read("Bind password");
            var given = parse.GetValue(servers);
            var givenDomain = parse.GetValue(domain)?.Trim();
            if (given is { Length: > 0 } && !string.IsNullOrEmpty(givenDomain))
            {
                throw new CliException(ExitCodes.Usage, "--domain and --server contradict each other: give the domain (its domain controllers are found in DNS) or server URLs.");
            }

            // A new choice of servers replaces the other one: --server forgets the stored domain, --domain the stored URLs.
            var useDomain = !string.IsNullOrEmpty(givenDomain) ? givenDomain : given is { Length: > 0 } ? null : stored?.Domain;
            var sameDomain = useDomain is not null && string.Equals(useDomain.TrimEnd('.'), stored?.Domain, StringComparison.OrdinalIgnoreCase);
            var settings = new DirectoryConnectionSettings(
                parse.GetValue(kind) ?? stored?.Kind ?? DirectoryKind.ActiveDirectory,
                given is { Length: > 0 } ? given : useDomain is not null ? [] : stored?.ServerUrls ?? [],
                parse.GetValue(bindDn) ?? stored?.BindDn ?? "",
                password,
                // A new domain brings its own base DN (empty: the service derives it) unless one is given.
                parse.GetValue(baseDn) ?? (useDomain is null || sameDomain ? stored?.BaseDn ?? "" : ""),
                parse.GetValue(poll) ?? stored?.PollIntervalSeconds ?? 2,
                parse.GetValue(tls) ?? stored?.TlsMode ?? DirectoryTlsMode.None,
                parse.GetValue(noCaBundle) ? null : pem ?? stored?.CaBundlePem,
                parse.GetValue(insecure) ?? stored?.AllowInsecureTls ?? false,
                parse.GetValue(disabledAttribute) is { } attribute ? (attribute.Length == 0 ? null : attribute) : stored?.DisabledAttribute,
                parse.GetValue(reconcile) ?? stored?.ReconcileMinutes ?? 360,
                useDomain,
                useDomain is null ? null : Blank(parse.GetValue(site) ?? (sameDomain ? stored?.Site : null)),
                useDomain is null ? null : Blank(parse.GetValue(dnsServer) ?? (sameDomain ? stored?.DnsServer : null)),
                authMode,
                authMode == DirectoryAuth.Kerberos ? parse.GetValue(principal) ?? stored?.KerberosPrincipal : null,
                keytabBase64);
            var saved = await context.Api.SendAsync<DirectoryConnectionView>(HttpMethod.Put, path, settings, current?.ETag, What, ct);
            Write(context, saved.Value);
            if (!context.Json && saved.Value.Preflight is { } preflight)
            {
                // Saved either way: a failing check says what to fix next, it does not undo the save.
                context.Out.WriteLine();
                WriteChecks(context, preflight);
            }

            return ExitCodes.Ok;
        });
        return set;
    }

    private static Command Test(CommandRunner runner)
    {
        var name = NameOption();
        var test = new Command("test", $"""
            Check a directory connection as the reader will use it: which servers answer and how fast, TLS, the bind
            identity as the server sees it, the base DN, DirSync (Active Directory) or contextCSN and accesslog
            (OpenLDAP), and each mapping's group. One line per check, PASS, WARN or FAIL, with the fix under a warning
            or a failure. Exits 0 when nothing failed (warnings allowed), {ExitCodes.ChecksFailed} when a check failed.
            """) { name };
        runner.SetAction(test, async (parse, context, ct) =>
        {
            var directoryName = parse.GetValue(name);
            DirectoryPreflightReport report;
            try
            {
                report = (await context.Api.SendAsync<DirectoryPreflightReport>(HttpMethod.Post, $"{PathOf(directoryName)}/test", body: null, ifMatch: null,
                    What, ct)).Value;
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.NotFound)
            {
                throw new CliException(ExitCodes.NotFound,
                    $"The directory connection '{directoryName}' is not set yet: run 'adsync directory set{(directoryName == DirectoryNames.Default ? "" : $" --name {directoryName}")}'.");
            }

            if (context.Json)
            {
                context.WriteJson(report);
            }
            else
            {
                WriteChecks(context, report);
            }

            return report.Status == DirectoryCheckStatus.Fail ? ExitCodes.ChecksFailed : ExitCodes.Ok;
        });
        return test;
    }

    /// <summary>One line per check, the fix indented under it, and a closing count.</summary>
    private static void WriteChecks(CliContext context, DirectoryPreflightReport report)
    {
        var width = report.Checks.Select(check => check.Check.Length).DefaultIfEmpty(0).Max();
        foreach (var check in report.Checks)
        {
            var status = check.Status switch
            {
                DirectoryCheckStatus.Pass => "PASS",
                DirectoryCheckStatus.Warn => "WARN",
                _ => "FAIL",
            };
            context.Out.WriteLine($"{status}  {check.Check.PadRight(width)}  {check.Detail}");
            if (check.Fix is { } fix)
            {
                context.Out.WriteLine($"{new string(' ', 6 + width)}  fix: {fix}");
            }
        }

        var failures = report.Checks.Count(check => check.Status == DirectoryCheckStatus.Fail);
        var warnings = report.Checks.Count(check => check.Status == DirectoryCheckStatus.Warn);
        context.Note(failures == 0 && warnings == 0
            ? $"Directory connection '{report.Name}': every check passed."
            : $"Directory connection '{report.Name}': {failures} failed, {warnings} warning(s).");
    }

    private static Command Remove(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The connection's name (see 'adsync directory list')." };
        var remove = new Command("remove", "Remove a directory connection; refused while a mapping reads from it.") { name };
        runner.SetAction(remove, async (parse, context, ct) =>
        {
            var directoryName = parse.GetValue(name) ?? "";
            await context.Api.DeleteAsync(PathOf(directoryName), ifMatch: null, What, ct);
            if (context.Json)
            {
                context.WriteJson(new { name = directoryName, removed = true });
            }
            else
            {
                context.Out.WriteLine($"Directory connection {directoryName} removed.");
            }

            return ExitCodes.Ok;
        });
        return remove;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Servers(DirectoryConnectionView directory) =>
        directory.Domain is { } domain ? $"domain {domain} (DNS)" : string.Join(", ", directory.ServerUrls);
    /// <summary>Larger than any keytab the config service accepts, so that it names the limit itself.</summary>
    private const int MaxKeytabRead = 1024 * 1024;

    private static byte[] ReadKeytab(FileInfo file)
    {
        try
        {
            if (file.Length > MaxKeytabRead)
            {
                throw new CliException(ExitCodes.Usage, $"--keytab: '{file.FullName}' is {file.Length} bytes, not a keytab.");
            }
            return File.ReadAllBytes(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"--keytab: cannot read '{file.FullName}': {ex.Message}");
        }
    }

    private static byte[] ReadKeytabFromStdin()
    {
        if (!Console.IsInputRedirected)
        {
            throw new CliException(ExitCodes.Usage, "--keytab-stdin: pipe the keytab in (adsync directory set ... --keytab-stdin < rescue-sync.keytab).");
        }
        using var input = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = input.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxKeytabRead)
            {
                throw new CliException(ExitCodes.Usage, "--keytab-stdin: more than 1 MiB on standard input, not a keytab.");
            }
        }
        if (buffer.Length == 0)
        {
            throw new CliException(ExitCodes.Usage, "--keytab-stdin: standard input was empty.");
        }
        return buffer.ToArray();
    }

    private static string ReadPem(FileInfo file)
    {
        try
        {
            return File.ReadAllText(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"--ca-bundle: cannot read '{file.FullName}': {ex.Message}");
        }
    }

    private static void Write(CliContext context, DirectoryConnectionView directory)
    {
        if (context.Json)
        {
            context.WriteJson(directory);
            return;
        }

        var table = new TextTable("Setting", "Value");
        table.Add("Name", directory.Name);
        table.Add("Kind", directory.Kind.ToString());
        if (directory.Domain is { } domain)
        {
            table.Add("Domain", $"{domain} (domain controllers found in DNS)");
            table.Add("Site", directory.Site ?? "—");
            table.Add("DNS server", directory.DnsServer ?? "the system's resolvers");
        }
        else
        {
            table.Add("Servers", string.Join(", ", directory.ServerUrls));
        }
        table.Add("TLS", directory.TlsMode.ToString());
        table.Add("CA bundle", directory.CaBundlePem is null ? "system store" : "set");
        table.Add("Insecure TLS", Formats.YesNo(directory.AllowInsecureTls));
        table.Add("Authentication", directory.Auth.ToString());
        if (directory.Auth == DirectoryAuth.Kerberos)
        {
            table.Add("Kerberos principal", directory.KerberosPrincipal ?? "—");
            table.Add("Keytab", Formats.SetOrNot(directory.KeytabSet));
        }
        else
        {
            table.Add("Bind DN", directory.BindDn);
            table.Add("Bind password", Formats.SetOrNot(directory.BindPasswordSet));
        }
        table.Add("Base DN", directory.BaseDn);
        table.Add("Disabled attribute", directory.DisabledAttribute ?? "—");
        table.Add("Poll interval", $"{directory.PollIntervalSeconds} s");
        table.Add("Reconciliation", $"every {directory.ReconcileMinutes} min");
        table.Add("Updated", Formats.Time(directory.UpdatedAt));
        table.WriteTo(context.Out);
    }
}
