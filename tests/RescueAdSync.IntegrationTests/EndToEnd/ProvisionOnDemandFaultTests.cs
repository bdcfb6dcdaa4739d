using System.Diagnostics;
using System.Text.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>
/// Provision on demand when the message cannot be applied at all: it ends in the error queue, and the request must end
/// too (Failed, with the reason), so the operator's <c>adsync provision</c> stops waiting and exits non-zero.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class ProvisionOnDemandFaultTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_provision_request_whose_message_ends_in_the_error_queue_fails_with_the_reason_and_the_CLI_exits_7()
    {
        var server = slapd.Server;
        var ou = $"ou=provfault{_id},{server.BaseDn}";
        var group = $"cn=techs{_id},{ou}";
        var alice = $"uid=alice{_id},{ou}";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add(alice, ("objectClass", ["inetOrgPerson"]), ("cn", ["Alice Anders"]), ("sn", ["Anders"]), ("displayName", ["Alice Anders"]),
            ("mail", [$"alice{_id}@example.org"]));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [alice]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn,
            server.AdminPassword, server.BaseDn, PollIntervalSeconds: 1);
        // One immediate retry and one short delayed redelivery: the message reaches the error queue within seconds.
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "e2e-provision-fault", provisionerEnvironment: new Dictionary<string, string?>
        {
            ["Provisioner__ImmediateRetries"] = "1",
            ["Provisioner__RedeliveryDelaysSeconds__0"] = "1",
        });
        await stack.WaitForTechnicianAsync(t => t.Email == $"alice{_id}@example.org" && t.Status == "Enabled", "for alice");

        // Rescue answers 503 to everything from now on: retrying cannot help.
        await stack.Emulator.InjectHttpFaultAsync(503, retryAfterSeconds: 0, count: 100_000);
        try
        {
            var result = await RunCliAsync(stack, "provision", $"alice{_id}", "--mapping", stack.MappingId.ToString(), "--timeout", "240", "--json");
            Assert.True(result.ExitCode == 7, $"adsync provision exited {result.ExitCode}, expected 7 (operation failed).\n{result.Stdout}\n{result.Stderr}\n{stack.Output}");
            using var json = JsonDocument.Parse(result.Stdout);
            Assert.Equal("Failed", json.RootElement.GetProperty("status").GetString());
            var error = json.RootElement.GetProperty("error").GetString();
            Assert.Contains("user-changed_error", error);
            Assert.Contains("HTTP_503", error);

            // The request fails as the message moves; the broker's management figures follow a few seconds later.
            await stack.EventuallyAsync(async () => await stack.GetQueueCountAsync("user-changed_error") >= 1, "the message in the error queue");
            var log = await stack.GetSyncLogAsync();
            Assert.Contains(log, e => e.ErrorCode == "PROVISION_FAILED" && e.Level == SyncLogLevel.Error && e.Message.Contains("user-changed_error"));
        }
        finally
        {
            await stack.Emulator.ClearFaultsAsync();
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(SyncStack stack, params string[] args)
    {
        var dll = Path.Combine(RepoPaths.Root, "tools", "cli", "bin", RepoPaths.Configuration, "net10.0", "adsync.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["ADSYNC_URL"] = stack.ConfigAdmin.BaseAddress!.ToString();
        psi.Environment["ADSYNC_API_KEY"] = stack.ApiKeys[0];
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
