using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.Contracts.Previews;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// Every secret the service holds (the Rescue account's three, the bind password of every directory connection) is
/// masked in every text the other services or an admin hand it to store, and so in everything shown afterwards.
/// </summary>
public class SecretRedactionTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    /// <summary>The second connection's password, with characters a JSON writer escapes ('+' and '"').</summary>
    private const string LabPassword = "Lab+Bind\"Secret-9c8d";

    private static readonly string[] AllSecrets = [.. Samples.Secrets, LabPassword];

    private static readonly string Everything = string.Join(" | ", AllSecrets);

    private async Task ConfigureSecretsAsync()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory())).StatusCode);
        var lab = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, ["ldap://ldap1.lab.example.org"], "cn=sync,dc=lab,dc=example,dc=org",
            LabPassword, "dc=lab,dc=example,dc=org", 3, DirectoryTlsMode.StartTls, Samples.CaPem());
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directories/lab", lab)).StatusCode);
    }

    private async Task<Mapping> CreateMappingAsync()
    {
        // The account is stored, so the destination is checked: a real Technician Group of the emulator.
        var group = await RescueEmulatorHost.Shared.CreateTechnicianGroupAsync("Redact " + Guid.NewGuid().ToString("N"));
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=Redact-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com", group));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Mapping>())!;
    }

    [Fact]
    public async Task Sync_log_entry_is_stored_with_the_secrets_of_every_directory_connection_and_the_account_masked_in_every_field()
    {
        await ConfigureSecretsAsync();
        var user = "user-" + LabPassword;
        var entry = new NewSyncLogEntry(SyncLogLevel.Error, "reader " + Samples.BindPassword, "bind " + Samples.MahPassword,
            $"Bind failed with {Everything}", Guid.NewGuid(), user, "E_" + Samples.DefaultPassword, WillRetry: true,
            DisplayName: "Ann " + Samples.ServiceToken, Email: $"ann.{LabPassword}@example.org");

        var response = await factory.Reader.PostAsJsonAsync("/api/sync-log", entry);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadAsStringAsync();
        var stored = (await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={entry.MappingId}"))!;
        var read = Assert.Single(stored);
        Assert.Equal(("reader ***", "bind ***", "user-***", "E_***"), (read.Source, read.Operation, read.DirectoryUserId, read.ErrorCode));
        Assert.Equal(("Ann ***", "ann.***@example.org"), (read.DisplayName, read.Email));
        Assert.Equal("Bind failed with *** | *** | *** | *** | ***", read.Message);
        await AssertNowhereAsync(created, JsonSerializer.Serialize(stored));
    }

    [Fact]
    public async Task A_secret_changed_between_two_saves_is_masked_in_the_second()
    {
        await ConfigureSecretsAsync();
        var mappingId = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await factory.Reader.PostAsJsonAsync("/api/sync-log",
            new NewSyncLogEntry(SyncLogLevel.Error, "reader", "bind", "first " + Samples.BindPassword, mappingId))).StatusCode);

        // The operator rotates the bind password; the next entry holds the new one.
        const string newBindPassword = "Rotated-Bind-Secret-7f3a";
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory() with { BindPassword = newBindPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await factory.Reader.PostAsJsonAsync("/api/sync-log",
            new NewSyncLogEntry(SyncLogLevel.Error, "reader", "bind", $"second {newBindPassword}", mappingId))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory())).StatusCode);

        var stored = (await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mappingId}"))!;
        Assert.Equal(["first ***", "second ***"], stored.Select(e => e.Message).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Long_message_is_cut_after_masking_so_no_part_of_a_secret_is_left_at_the_cut()
    {
        await ConfigureSecretsAsync();
        var mapping = Guid.NewGuid();
        // The secret straddles the 4000-character column: cutting first would keep its first half.
        var message = new string('x', 3990) + Samples.ServiceToken + new string('y', 100);

        var response = await factory.Provisioner.PostAsJsonAsync("/api/sync-log",
            new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "setUser_v2", message, mapping));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var read = Assert.Single((await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping}"))!);
        Assert.Equal(new string('x', 3990) + "***" + new string('y', 7), read.Message);
    }

    [Fact]
    public async Task Provision_failure_text_is_masked_in_the_request_and_in_its_sync_log_entry()
    {
        await ConfigureSecretsAsync();
        var mapping = await CreateMappingAsync();
        var request = (await (await factory.Admin.PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest("jdoe", mapping.Id)))
            .Content.ReadFromJsonAsync<ProvisionRequest>())!;

        var failed = await factory.Reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/failed",
            new ProvisionFailure($"LDAP bind refused: {Everything}"));

        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var shown = await factory.Admin.GetStringAsync($"/api/provision-requests/{request.Id}");
        Assert.Equal("LDAP bind refused: *** | *** | *** | *** | ***",
            JsonSerializer.Deserialize<ProvisionRequest>(shown, JsonSerializerOptions.Web)!.Error);
        var log = await factory.Admin.GetStringAsync($"/api/sync-log?mappingId={mapping.Id}");
        Assert.Contains(JsonSerializer.Deserialize<SyncLogEntry[]>(log, JsonSerializerOptions.Web)!,
            e => e.ErrorCode == "PROVISION_FAILED" && e.Message.EndsWith("failed: LDAP bind refused: *** | *** | *** | *** | ***", StringComparison.Ordinal));
        await AssertNowhereAsync(await failed.Content.ReadAsStringAsync(), shown, log);
    }

    [Fact]
    public async Task Held_plan_reason_and_changes_are_masked_in_the_plan_the_list_and_the_guard_entry()
    {
        await ConfigureSecretsAsync();
        var mapping = await CreateMappingAsync();
        var plan = new NewHeldPlan(mapping.Id, $"Would disable 1 of 2 ({Everything}).", 1, 2, 1,
            [new PlannedChange("user-" + LabPassword, "CN=" + Samples.BindPassword + ",DC=example,DC=com", "Name " + LabPassword,
                Samples.ServiceToken + "@example.com", UserState.OutOfScope, UserState.Enabled)],
            Guid.NewGuid());

        var held = await factory.Reader.PostAsJsonAsync("/api/held-plans", plan);

        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        var created = await held.Content.ReadAsStringAsync();
        var id = JsonSerializer.Deserialize<HeldPlan>(created, JsonSerializerOptions.Web)!.Id;
        var one = await factory.Admin.GetStringAsync($"/api/held-plans/{id}");
        var shown = JsonSerializer.Deserialize<HeldPlan>(one, JsonSerializerOptions.Web)!;
        Assert.Equal("Would disable 1 of 2 (*** | *** | *** | *** | ***).", shown.Reason);
        var change = Assert.Single(shown.Changes);
        Assert.Equal(("user-***", "CN=***,DC=example,DC=com", "Name ***", "***@example.com"),
            (change.DirectoryUserId, change.DistinguishedName, change.DisplayName, change.Email));
        var list = await factory.Admin.GetStringAsync($"/api/held-plans?mappingId={mapping.Id}");
        var log = await factory.Admin.GetStringAsync($"/api/sync-log?mappingId={mapping.Id}");
        Assert.Contains(JsonSerializer.Deserialize<SyncLogEntry[]>(log, JsonSerializerOptions.Web)!,
            e => e.ErrorCode == "GUARD_HELD" && e.Message.Contains("(*** | *** | *** | *** | ***)", StringComparison.Ordinal));
        await AssertNowhereAsync(created, one, list, log);
    }

    [Fact]
    public async Task Preview_error_is_masked()
    {
        await ConfigureSecretsAsync();
        var mapping = await CreateMappingAsync();
        var preview = (await (await factory.Admin.PostAsJsonAsync("/api/previews", new NewPreview(mapping.Id))).Content.ReadFromJsonAsync<Preview>())!;

        var failed = await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{mapping.Id}",
            new PreviewMappingRead([], 0, $"Bind failed: {Everything}"));

        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var shown = await factory.Admin.GetStringAsync($"/api/previews/{preview.Id}");
        Assert.Equal($"Reading mapping {mapping.Id} failed: Bind failed: *** | *** | *** | *** | ***",
            JsonSerializer.Deserialize<Preview>(shown, JsonSerializerOptions.Web)!.Error);
        await AssertNowhereAsync(await failed.Content.ReadAsStringAsync(), shown);
    }

    /// <summary>No secret in the responses (in any string value, unescaped) nor in the stored bytes, as written or JSON-escaped.</summary>
    private async Task AssertNowhereAsync(params string[] responses)
    {
        var values = string.Join('\n', responses.SelectMany(r => Strings(JsonDocument.Parse(r).RootElement)));
        var database = await factory.ReadStoredBytesAsync();
        Assert.NotEmpty(database);
        foreach (var secret in AllSecrets)
        {
            Assert.DoesNotContain(secret, values, StringComparison.Ordinal);
            foreach (var form in new[] { secret, JsonEncodedText.Encode(secret).Value }.Distinct())
            {
                Assert.False(Contains(database, Encoding.UTF8.GetBytes(form)), $"{form} in the database (UTF-8)");
                Assert.False(Contains(database, Encoding.Unicode.GetBytes(form)), $"{form} in the database (UTF-16)");
            }
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value).Prepend(p.Name)),
        _ => [],
    };

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
