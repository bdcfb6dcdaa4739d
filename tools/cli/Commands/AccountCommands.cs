using System.CommandLine;
using RescueAdSync.Cli.Api;
using RescueAdSync.Cli.Input;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary><c>adsync account show|set</c>: the Rescue account the provisioner acts for.</summary>
public static class AccountCommands
{
    private const string Path = "api/rescue-account";
    private const string What = "Rescue account";

    public const string SecretsHelp = """
        Secrets (MAH password, service token, default password) are read from standard input, one per line in that
        order, or prompted without echo on a terminal; an empty line keeps the stored value. They are never accepted
        as arguments: arguments are visible to every local user (ps, /proc/<pid>/cmdline) and stay in shell history.
        Example: printf '%s\n%s\n%s\n' "$MAH_PASSWORD" "$SERVICE_TOKEN" "$DEFAULT_PASSWORD" | adsync account set --api-url ... --email ...
        """;

    public static Command Create(CommandRunner runner)
    {
        var account = new Command("account", "The Rescue account: API URL, Master Account Holder, service token, default password.");
        account.Add(Show(runner));
        account.Add(Set(runner));
        return account;
    }

    private static Command Show(CommandRunner runner)
    {
        var show = new Command("show", "Show the Rescue account; secrets only as set / not set.");
        runner.SetAction(show, async (_, context, ct) =>
        {
            var account = await context.Api.FindAsync<RescueAccountView>(Path, What, ct)
                ?? throw new CliException(ExitCodes.NotFound, "The Rescue account is not set yet: run 'adsync account set'.");
            Write(context, account.Value);
            return ExitCodes.Ok;
        });
        return show;
    }

    private static Command Set(CommandRunner runner)
    {
        var apiUrl = new Option<string?>("--api-url") { Description = "Rescue API base URL, e.g. https://secure.logmeinrescue.com/API/ (default: the stored one)." };
        var email = new Option<string?>("--email") { Description = "The Master Account Holder's email (default: the stored one)." };
        var keepSecrets = new Option<bool>("--keep-secrets") { Description = "Do not read secrets; keep the stored ones." };
        var set = new Command("set", $"Create or update the Rescue account.\n\n{SecretsHelp}") { apiUrl, email, keepSecrets };
        runner.SetAction(set, async (parse, context, ct) =>
        {
            var current = await context.Api.FindAsync<RescueAccountView>(Path, What, ct);
            string mahPassword = "", serviceToken = "", defaultPassword = "";
            if (!parse.GetValue(keepSecrets))
            {
                mahPassword = SecretReader.Read("MAH password");
                serviceToken = SecretReader.Read("Service token");
                defaultPassword = SecretReader.Read("Default technician password");
            }

            var settings = new RescueAccountSettings(
                parse.GetValue(apiUrl) ?? current?.Value.ApiBaseUrl ?? "",
                parse.GetValue(email) ?? current?.Value.MahEmail ?? "",
                mahPassword,
                serviceToken,
                defaultPassword);
            // If-Match: an update made by someone else since our read is refused (exit 1) instead of overwritten.
            var saved = await context.Api.SendAsync<RescueAccountView>(HttpMethod.Put, Path, settings, current?.ETag, What, ct);
            Write(context, saved.Value);
            return ExitCodes.Ok;
        });
        return set;
    }

    private static void Write(CliContext context, RescueAccountView account)
    {
        if (context.Json)
        {
            context.WriteJson(account);
            return;
        }

        var table = new TextTable("Setting", "Value");
        table.Add("API URL", account.ApiBaseUrl);
        table.Add("MAH email", account.MahEmail);
        table.Add("MAH password", Formats.SetOrNot(account.MahPasswordSet));
        table.Add("Service token", Formats.SetOrNot(account.ServiceTokenSet));
        table.Add("Default password", Formats.SetOrNot(account.DefaultPasswordSet));
        table.Add("Updated", Formats.Time(account.UpdatedAt));
        table.WriteTo(context.Out);
    }
}
