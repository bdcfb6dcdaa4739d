extern alias provisioner;

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using provisioner::RescueAdSync.Provisioner.Rescue;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Tests;

/// <summary>
/// The provisioner's real <see cref="RescueClient"/>, registered as the provisioner registers it, against the
/// emulator: every result code the emulator produces must come back typed and classified.
/// </summary>
public sealed class RescueClientContractTests(EmulatorFactory factory) : IClassFixture<EmulatorFactory>
{
    private (IRescueClient Client, FixedCredentials Credentials) CreateClient(TestOrganization org)
    {
        var credentials = new FixedCredentials(new Uri(factory.Server.BaseAddress, "/API/").ToString(), org.Token);
        var services = new ServiceCollection();
        services.AddRescueClient();
        services.AddHttpClient(RescueClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => factory.Server.CreateHandler());
        services.AddSingleton<IRescueCredentialsSource>(credentials);
        return (services.BuildServiceProvider().GetRequiredService<IRescueClient>(), credentials);
    }

    private static SetUserCommand NewTechnician(long nodeId, string email = "ann@contoso.test", bool mobile = false) =>
        new(nodeId, "Ann Smith", email, Enabled: true, MobileAddon: mobile, RpatAddon: false, Password: TestOrganization.DefaultPassword);

    [Fact]
    public async Task Create_and_set_with_the_default_password_gives_an_enabled_technician_marked_must_change()
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, _) = CreateClient(org);

        var nodeId = await client.CreateUserAsync(org.HelpdeskGroupId, default);
        await client.SetUserAsync(NewTechnician(nodeId) with { SsoId = "guid-1", Nick = "ann" }, default);
        var technician = await client.GetAsync(nodeId, default);

        Assert.NotNull(technician);
        Assert.Equal(new RescueTechnician(nodeId, "Ann Smith", "ann", "ann@contoso.test", "guid-1", "", "Technician", false, false, "Enabled", true), technician);
        Assert.True(technician.Enabled);
        Assert.True((await factory.TechnicianAsync(nodeId)).HasDefaultPassword);
    }

    [Fact]
    public async Task Find_by_email_and_get_by_node_return_null_for_missing_technicians()
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, _) = CreateClient(org);
        var nodeId = await client.CreateUserAsync(org.HelpdeskGroupId, default);
        await client.SetUserAsync(NewTechnician(nodeId), default);

        Assert.Equal(nodeId, (await client.FindByEmailAsync("ANN@contoso.test", default))!.NodeId);
        Assert.Null(await client.FindByEmailAsync("nobody@contoso.test", default));
        Assert.Null(await client.GetAsync(987654321, default));
    }

    [Fact]
    public async Task Email_in_use_is_a_permanent_error_with_its_code()
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, _) = CreateClient(org);
        var first = await client.CreateUserAsync(org.HelpdeskGroupId, default);
        await client.SetUserAsync(NewTechnician(first), default);
        var second = await client.CreateUserAsync(org.HelpdeskGroupId, default);

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => client.SetUserAsync(NewTechnician(second), default));

        Assert.Equal(RescueErrorKind.Permanent, ex.Kind);
        Assert.Equal("INVALIDPARAM_EMAIL_ALREADY_IN_USE", ex.Code);
        Assert.Equal("setUser_v2", ex.Method);
    }

    [Fact]
    public async Task No_free_mobile_licence_is_a_permanent_invalidparam_mobileaddon_and_disabling_frees_one()
    {
        var org = await factory.CreateOrganizationAsync(mobileLicences: 1);
        var (client, _) = CreateClient(org);
        var first = await client.CreateUserAsync(org.HelpdeskGroupId, default);
        await client.SetUserAsync(NewTechnician(first, "ann@contoso.test", mobile: true), default);
        var second = await client.CreateUserAsync(org.HelpdeskGroupId, default);

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => client.SetUserAsync(NewTechnician(second, "bob@contoso.test", mobile: true), default));
        Assert.Equal(RescueErrorKind.Permanent, ex.Kind);
        Assert.Equal("INVALIDPARAM_MOBILEADDON", ex.Code);

        await client.SetUserAsync(NewTechnician(first, "ann@contoso.test", mobile: true) with { Enabled = false, Password = null }, default);
        await client.SetUserAsync(NewTechnician(second, "bob@contoso.test", mobile: true), default);
        var disabled = await client.GetAsync(first, default);
        Assert.False(disabled!.Enabled);
        Assert.False(disabled.HasMobileAddon);
        Assert.True((await client.GetAsync(second, default))!.HasMobileAddon);
    }

    [Fact]
    public async Task Other_validation_codes_are_permanent()
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, _) = CreateClient(org);
        var nodeId = await client.CreateUserAsync(org.HelpdeskGroupId, default);

        async Task<string> CodeOf(Func<Task> call) => (await Assert.ThrowsAsync<RescueApiException>(call)).Code;

        Assert.Equal("INVALIDPARAM_NAME", await CodeOf(() => client.SetUserAsync(NewTechnician(nodeId) with { Name = "" }, default)));
        Assert.Equal("INVALIDPARAM_EMAIL", await CodeOf(() => client.SetUserAsync(NewTechnician(nodeId) with { Email = "no-at-sign" }, default)));
        Assert.Equal("INVALIDPARAM_PWD_TOO_SHORT", await CodeOf(() => client.SetUserAsync(NewTechnician(nodeId) with { Password = "Ab1" }, default)));
        Assert.Equal("INVALIDPARAM_NODE", await CodeOf(() => client.SetUserAsync(NewTechnician(424242), default)));
        Assert.Equal("INVALIDPARAM_PARENT", await CodeOf(() => client.CreateUserAsync(org.Organization.RootNodeId, default)));
    }

    [Fact]
    public async Task Bad_or_revoked_token_is_an_authentication_error_and_a_replaced_token_works_at_once()
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, credentials) = CreateClient(org);
        (await factory.CreateClient().DeleteAsync("/admin/token")).EnsureSuccessStatusCode();

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => client.GetAccountAsync(default));
        Assert.Equal(RescueErrorKind.Authentication, ex.Kind);
        Assert.Equal("INVALID_SECRETAUTHCODE", ex.Code);
        Assert.DoesNotContain(org.Token, ex.ToString());

        var fresh = await EmulatorFactory.SendAsync<Apis.Models.TokenResponse>(
            factory.CreateClient().PostAsJsonAsync("/admin/token", new Apis.Models.GenerateTokenRequest()));
        credentials.Token = fresh.Token;
        Assert.Equal("Contoso", (await client.GetAccountAsync(default)).Organization);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Throttling_and_unavailability_are_retryable_with_retry_after(int status)
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, _) = CreateClient(org);
        (await factory.CreateClient().PostAsJsonAsync("/admin/faults/http", new HttpFaultRequest(status, RetryAfterSeconds: 9, Count: 1))).EnsureSuccessStatusCode();

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => client.FindByEmailAsync("ann@contoso.test", default));

        Assert.Equal(RescueErrorKind.Retryable, ex.Kind);
        Assert.Equal($"HTTP_{status}", ex.Code);
        Assert.Equal(TimeSpan.FromSeconds(9), ex.RetryAfter);
        Assert.Null(await client.FindByEmailAsync("ann@contoso.test", default));
    }

    [Fact]
    public async Task Connection_reset_is_retryable()
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, _) = CreateClient(org);
        (await factory.CreateClient().PostAsJsonAsync("/admin/faults/resets", new Apis.Models.ResetFaultRequest(1))).EnsureSuccessStatusCode();

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => client.GetHierarchyAsync(default));

        Assert.Equal(RescueErrorKind.Retryable, ex.Kind);
    }

    [Fact]
    public async Task A_transport_failure_keeps_its_cause_in_the_message()
    {
        // A port nothing listens on: the connection is refused at once.
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var refused = await Assert.ThrowsAsync<RescueApiException>(() => RealSocketClient($"http://127.0.0.1:{closedPort}/API/").GetHierarchyAsync(default));
        Assert.Equal(RescueErrorKind.Retryable, refused.Kind);
        Assert.Contains("Connection refused", refused.Message, StringComparison.Ordinal);

        // A server that reads the request and closes the connection without an answer.
        using var hangUp = new TcpListener(IPAddress.Loopback, 0);
        hangUp.Start();
        var serving = Task.Run(async () =>
        {
            using var connection = await hangUp.AcceptTcpClientAsync();
            _ = await connection.GetStream().ReadAsync(new byte[4096]);
        });
        var ended = await Assert.ThrowsAsync<RescueApiException>(
            () => RealSocketClient($"http://127.0.0.1:{((IPEndPoint)hangUp.LocalEndpoint).Port}/API/").GetHierarchyAsync(default));
        await serving;
        Assert.Equal(RescueErrorKind.Retryable, ended.Kind);
        Assert.Contains("The response ended prematurely", ended.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestOrganization.DefaultPassword, ended.Message, StringComparison.Ordinal);
    }

    /// <summary>The client as the provisioner registers it, over real sockets.</summary>
    private static IRescueClient RealSocketClient(string apiBaseUrl)
    {
        var services = new ServiceCollection();
        services.AddRescueClient();
        services.AddSingleton<IRescueCredentialsSource>(new FixedCredentials(apiBaseUrl, "Some-Token-0001"));
        return services.BuildServiceProvider().GetRequiredService<IRescueClient>();
    }

    [Fact]
    public async Task Get_hierarchy_returns_every_node_with_parent_and_type()
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, _) = CreateClient(org);
        var nodeId = await client.CreateUserAsync(org.SecondLineGroupId, default);
        await client.SetUserAsync(NewTechnician(nodeId), default);

        var nodes = await client.GetHierarchyAsync(default);

        Assert.Contains(nodes, n => n.NodeId == org.Organization.RootNodeId && n.Type == "Root");
        Assert.Contains(nodes, n => n.NodeId == org.HelpdeskGroupId && n.Type == "TechnicianGroup" && n.Name == "Helpdesk");
        var technician = Assert.Single(nodes, n => n.NodeId == nodeId);
        Assert.Equal(new RescueNode(nodeId, org.SecondLineGroupId, "Ann Smith", "ann@contoso.test", "", "Offline", "Technician"), technician);
    }

    [Fact]
    public async Task Get_account_returns_the_organization()
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, _) = CreateClient(org);

        var account = await client.GetAccountAsync(default);

        Assert.Equal(new RescueAccountInfo(org.Organization.AccountId, "Contoso", org.Organization.MahNodeId, org.Organization.MahNodeId, TestOrganization.MahEmail), account);
    }

    [Fact]
    public async Task The_client_never_calls_delete_node_or_move_node()
    {
        var org = await factory.CreateOrganizationAsync();
        var (client, _) = CreateClient(org);
        var nodeId = await client.CreateUserAsync(org.HelpdeskGroupId, default);
        await client.SetUserAsync(NewTechnician(nodeId), default);
        await client.SetUserAsync(NewTechnician(nodeId) with { Enabled = false, Password = null }, default);
        await client.GetHierarchyAsync(default);
        await client.FindByEmailAsync("ann@contoso.test", default);

        var calls = (await factory.CreateClient().GetFromJsonAsync<List<ApiCall>>("/admin/calls"))!;

        Assert.NotEmpty(calls);
        Assert.DoesNotContain(calls, c => c.Method is "deleteNode" or "moveNode");
        Assert.All(calls, c => Assert.Equal("POST", c.HttpMethod));
    }
}
