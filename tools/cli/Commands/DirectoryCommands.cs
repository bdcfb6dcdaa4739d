using System.CommandLine;
using RescueAdSync.Cli.Input;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary><c>adsync directory show|set</c>: the LDAP / Active Directory connection the ad-reader uses.</summary>
public static class DirectoryCommands
{
    private const string Path = "api/directory";
    private const string What = "Directory connection";

    public static Command Create(CommandRunner runner)
    {
        var directory = new Command("directory", "The directory connection: LDAP URLs, bind identity, base DN, poll interval.");
        directory.Add(Show(runner));
        directory.Add(Set(runner));
        return directory;
    }

    private static Command Show(CommandRunner runner)
    {
        var show = new Command("show", "Show the directory connection; the bind password only as set / not set.");
        runner.SetAction(show, async (_, context, ct) =>
        {
            var directory = await context.Api.FindAsync<DirectoryConnectionView>(Path, What, ct)
                ?? throw new CliException(ExitCodes.NotFound, "The directory connection is not set yet: run 'adsync directory set'.");
            Write(context, directory.Value);
            return ExitCodes.Ok;
        });
        return show;
    }

    private static Command Set(CommandRunner runner)
    {
        var kind = new Option<DirectoryKind?>("--kind") { Description = "ActiveDirectory or OpenLdap (default: the stored one)." };
        var servers = new Option<string[]>("--server")
        {
            Description = "An ldap:// or ldaps:// URL; repeat for several servers (default: the stored ones).",
            Arity = ArgumentArity.OneOrMore,
        };
        var bindDn = new Option<string?>("--bind-dn") { Description = "The bind identity (DN or user@domain)." };
        var baseDn = new Option<string?>("--base-dn") { Description = "Where users are searched, e.g. DC=corp,DC=example,DC=org." };
        var poll = new Option<int?>("--poll-interval") { Description = "Seconds between directory polls (1-86400; default 2 or the stored one)." };
        var keepSecrets = new Option<bool>("--keep-secrets") { Description = "Do not read the bind password; keep the stored one." };
        var set = new Command("set", """
            Create or update the directory connection.

            The bind password is read from the first line of standard input, or prompted without echo on a terminal;
            an empty line keeps the stored one. It is never accepted as an argument: arguments are visible to every
            local user (ps, /proc/<pid>/cmdline) and stay in shell history.
            """) { kind, servers, bindDn, baseDn, poll, keepSecrets };
        runner.SetAction(set, async (parse, context, ct) =>
        {
            var current = (await context.Api.FindAsync<DirectoryConnectionView>(Path, What, ct));
            var password = parse.GetValue(keepSecrets) ? "" : SecretReader.Read("Bind password");
            var given = parse.GetValue(servers);
            var settings = new DirectoryConnectionSettings(
                parse.GetValue(kind) ?? current?.Value.Kind ?? DirectoryKind.ActiveDirectory,
                given is { Length: > 0 } ? given : current?.Value.ServerUrls ?? [],
                parse.GetValue(bindDn) ?? current?.Value.BindDn ?? "",
                password,
                parse.GetValue(baseDn) ?? current?.Value.BaseDn ?? "",
                parse.GetValue(poll) ?? current?.Value.PollIntervalSeconds ?? 2);
            var saved = await context.Api.SendAsync<DirectoryConnectionView>(HttpMethod.Put, Path, settings, current?.ETag, What, ct);
            Write(context, saved.Value);
            return ExitCodes.Ok;
        });
        return set;
    }

    private static void Write(CliContext context, DirectoryConnectionView directory)
    {
        if (context.Json)
        {
            context.WriteJson(directory);
            return;
        }

        var table = new TextTable("Setting", "Value");
        table.Add("Kind", directory.Kind.ToString());
        table.Add("Servers", string.Join(", ", directory.ServerUrls));
        table.Add("Bind DN", directory.BindDn);
        table.Add("Bind password", Formats.SetOrNot(directory.BindPasswordSet));
        table.Add("Base DN", directory.BaseDn);
        table.Add("Poll interval", $"{directory.PollIntervalSeconds} s");
        table.Add("Updated", Formats.Time(directory.UpdatedAt));
        table.WriteTo(context.Out);
    }
}
