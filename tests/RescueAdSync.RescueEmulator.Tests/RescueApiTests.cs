using System.Net.Http.Json;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Tests;

/// <summary>The emulator's Rescue API over raw HTTP: format, authentication and every validation code.</summary>
public sealed class RescueApiTests(EmulatorFactory factory) : IClassFixture<EmulatorFactory>
{
    private async Task<(TestOrganization Org, long NodeId)> CreateTechnicianAsync(string email = "ann@contoso.test", bool mobile = false)
    {
        var org = await factory.CreateOrganizationAsync();
        var (_, created) = await factory.CallAsync("createUser", ("authcode", org.Token), ("parent", org.HelpdeskGroupId.ToString()));
        var nodeId = long.Parse(created.Split(' ', 2)[1]);
        var (_, set) = await SetUserAsync(org, nodeId, email: email, mobile: mobile ? "True" : "False", pwd: TestOrganization.DefaultPassword);
        Assert.Equal("OK\r\n", set);
        return (org, nodeId);
    }

    private Task<(int, string)> SetUserAsync(TestOrganization org, long node, string name = "Ann Smith", string email = "ann@contoso.test",
        string status = "Enabled", string mobile = "False", string rpat = "False", string? pwd = null, string? confpwd = null)
    {
        var form = new List<(string, string)>
        {
            ("authcode", org.Token), ("node", node.ToString()), ("name", name), ("email", email),
            ("status", status), ("mobileaddon", mobile), ("rpataddon", rpat),
        };
        if (pwd is not null)
        {
            form.AddRange([("pwd", pwd), ("confpwd", confpwd ?? pwd)]);
        }

        return factory.CallAsync("setUser_v2", [.. form]);
    }

    [Fact]
    public async Task Create_then_set_user_answers_ok_id_and_marks_must_change_password()
    {
        var org = await factory.CreateOrganizationAsync();

        var (status, created) = await factory.CallAsync("createUser", ("authcode", org.Token), ("parent", org.HelpdeskGroupId.ToString()));
        Assert.Equal(200, status);
        Assert.Matches(@"^OK \d+\r\n$", created);
        var nodeId = long.Parse(created.Split(' ', 2)[1]);
        await SetUserAsync(org, nodeId, pwd: TestOrganization.DefaultPassword);

        var (_, user) = await factory.CallAsync("getUser_v3", ("authcode", org.Token), ("node", nodeId.ToString()));
        Assert.StartsWith("OK\r\n", user);
        Assert.Contains($"NODEID: {nodeId}\r\n", user);
        Assert.Contains("NAME: Ann Smith\r\n", user);
        Assert.Contains("STATUS: Enabled\r\n", user);
        Assert.Contains("MUSTCHANGEPASSWORD: True\r\n", user);
        var technician = await factory.TechnicianAsync(nodeId);
        Assert.True(technician.MustChangePassword);
        Assert.True(technician.HasDefaultPassword);
        Assert.Equal(org.HelpdeskGroupId, technician.ParentId);
    }

    [Fact]
    public async Task Get_and_query_string_and_any_parameter_case_are_accepted()
    {
        var (org, nodeId) = await CreateTechnicianAsync();

        var body = await factory.CreateClient().GetStringAsync($"/api/GETUSER_V3.aspx?AuthCode={org.Token}&EMAIL=ANN@contoso.test");

        Assert.Contains($"NODEID: {nodeId}", body);
    }

    [Fact]
    public async Task Every_result_code_is_http_200_with_the_code_on_the_first_line()
    {
        var org = await factory.CreateOrganizationAsync();

        var (status, body) = await factory.CallAsync("getUser_v3", ("authcode", org.Token), ("email", "nobody@contoso.test"));

        Assert.Equal(200, status);
        Assert.Equal("INVALIDPARAM_EMAIL\r\n", body);
    }

    [Fact]
    public async Task Get_user_with_both_node_and_email_is_refused()
    {
        var (org, nodeId) = await CreateTechnicianAsync();

        var (_, body) = await factory.CallAsync("getUser_v3", ("authcode", org.Token), ("node", nodeId.ToString()), ("email", "ann@contoso.test"));

        Assert.Equal("INVALID_EMAILANDNODEIDBOTHSPECIFIED\r\n", body);
    }

    [Fact]
    public async Task Hierarchy_nodes_are_blocks_separated_by_a_blank_line()
    {
        var (org, nodeId) = await CreateTechnicianAsync();

        var (_, body) = await factory.CallAsync("getHierarchy_v2", ("authcode", org.Token));

        var blocks = body["OK\r\n".Length..].Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("OK\r\nNodeID: ", body);
        Assert.Contains(blocks, b => b.Contains($"NodeID: {nodeId}\r\n") && b.Contains($"ParentID: {org.HelpdeskGroupId}") && b.Contains("Type: Technician"));
        Assert.Contains(blocks, b => b.Contains($"NodeID: {org.HelpdeskGroupId}\r\n") && b.Contains("Type: TechnicianGroup"));
        Assert.Contains(blocks, b => b.Contains("Type: Root"));

    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hierarchy_asked_about_one_node_answers_the_whole_organization_Root_first(bool isNode)
    {
        var (org, nodeId) = await CreateTechnicianAsync();
        var whole = (await factory.CallAsync("getHierarchy_v2", ("authcode", org.Token))).Body;

        var (_, body) = isNode
            ? await factory.CallAsync("getHierarchy_v2", ("authcode", org.Token), ("node", org.SecondLineGroupId.ToString()), ("isnode", "true"))
            : await factory.CallAsync("getHierarchy_v2", ("authcode", org.Token), ("node", org.SecondLineGroupId.ToString()));

        Assert.Equal(whole, body);
        var blocks = body["OK\r\n".Length..].Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("Type: Root", blocks[0], StringComparison.Ordinal);
        Assert.Contains(blocks, b => b.Contains($"NodeID: {org.SecondLineGroupId}\r\n", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.Contains($"NodeID: {nodeId}\r\n", StringComparison.Ordinal));
        Assert.Equal("INVALIDPARAM_NODE\r\n", (await factory.CallAsync("getHierarchy_v2", ("authcode", org.Token), ("node", "987654321"))).Body);
    }

    [Fact]
    public async Task Get_group_and_get_account_answer_their_documented_items()
    {
        var org = await factory.CreateOrganizationAsync();

        var (_, group) = await factory.CallAsync("getGroup", ("authcode", org.Token), ("node", org.HelpdeskGroupId.ToString()));
        var (_, account) = await factory.CallAsync("getAccount", ("authcode", org.Token));

        Assert.Contains("ISENABLED: True", group);
        Assert.Contains("STANDARDCONCURRENTLIMIT: ", group);
        Assert.Contains("MOBILECONCURRENTLIMIT: ", group);
        Assert.Contains($"AccountID: {org.Organization.AccountId}", account);
        Assert.Contains("Organization: Contoso", account);
        Assert.Contains($"Email: {TestOrganization.MahEmail}", account);
    }

    [Fact]
    public async Task Missing_authcode_is_not_logged_in_and_a_wrong_one_is_invalid()
    {
        await factory.CreateOrganizationAsync();

        Assert.Equal("NOTLOGGEDIN\r\n", (await factory.CallAsync("getAccount")).Body);
        Assert.Equal("INVALID_SECRETAUTHCODE\r\n", (await factory.CallAsync("getAccount", ("authcode", "wrong"))).Body);
    }

    [Fact]
    public async Task Revoked_token_is_refused_and_a_requested_auth_code_replaces_the_previous_one()
    {
        var org = await factory.CreateOrganizationAsync();
        (await factory.CreateClient().DeleteAsync("/admin/token")).EnsureSuccessStatusCode();
        Assert.Equal("INVALID_SECRETAUTHCODE\r\n", (await factory.CallAsync("getAccount", ("authcode", org.Token))).Body);

        var (_, first) = await factory.CallAsync("requestAuthCode", ("email", TestOrganization.MahEmail), ("pwd", TestOrganization.MahPassword));
        var (_, second) = await factory.CallAsync("requestAuthCode", ("email", TestOrganization.MahEmail), ("pwd", TestOrganization.MahPassword));
        var firstCode = first.Split("AUTHCODE: ")[1].Trim();
        var secondCode = second.Split("AUTHCODE: ")[1].Trim();

        Assert.Equal("INVALID_SECRETAUTHCODE\r\n", (await factory.CallAsync("getAccount", ("authcode", firstCode))).Body);
        Assert.StartsWith("OK", (await factory.CallAsync("getAccount", ("authcode", secondCode))).Body);
        Assert.Equal("INVALID\r\n", (await factory.CallAsync("requestAuthCode", ("email", TestOrganization.MahEmail), ("pwd", "nope"))).Body);
    }

    [Fact]
    public async Task Login_sets_a_session_cookie_and_the_eleventh_call_in_three_minutes_is_limit_reached()
    {
        await factory.CreateOrganizationAsync();
        var browser = factory.CreateClient(new() { HandleCookies = true });
        FormUrlEncodedContent Credentials(string pwd) => new([new("email", TestOrganization.MahEmail), new("pwd", pwd)]);

        Assert.Equal("OK\r\n", await (await browser.PostAsync("/API/login.aspx", Credentials(TestOrganization.MahPassword))).Content.ReadAsStringAsync());
        Assert.StartsWith("OK", await browser.GetStringAsync("/API/getAccount.aspx"));
        for (var i = 2; i <= 10; i++)
        {
            Assert.Equal("INVALID\r\n", await (await browser.PostAsync("/API/login.aspx", Credentials("wrong"))).Content.ReadAsStringAsync());
        }

        Assert.Equal("LIMITREACHED\r\n", await (await browser.PostAsync("/API/login.aspx", Credentials(TestOrganization.MahPassword))).Content.ReadAsStringAsync());

        factory.Time.Advance(TimeSpan.FromMinutes(3.1));
        Assert.Equal("OK\r\n", await (await browser.PostAsync("/API/login.aspx", Credentials(TestOrganization.MahPassword))).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("", "ann@contoso.test", "Enabled", "False", "False", "INVALIDPARAM_NAME")]
    [InlineData("TOO_LONG", "ann@contoso.test", "Enabled", "False", "False", "INVALIDPARAM_NAME")]
    [InlineData("Ann", "not-an-email", "Enabled", "False", "False", "INVALIDPARAM_EMAIL")]
    [InlineData("Ann", "ann@contoso.test", "Sleeping", "False", "False", "INVALIDPARAM_STATUS")]
    [InlineData("Ann", "ann@contoso.test", "Enabled", "maybe", "False", "INVALIDPARAM_MOBILEADDON")]
    [InlineData("Ann", "ann@contoso.test", "Enabled", "False", "yes", "INVALIDPARAM_RPATADDON")]
    [InlineData("Ann", "ann@contoso.test", "enabled", "false", "TRUE", "OK")]
    public async Task Set_user_validates_every_required_field(string name, string email, string status, string mobile, string rpat, string expected)
    {
        var (org, nodeId) = await CreateTechnicianAsync();
        if (name == "TOO_LONG")
        {
            name = new string('a', EmulatorState.NameMaxLength + 1);
        }

        var (_, body) = await SetUserAsync(org, nodeId, name, email, status, mobile, rpat);

        Assert.Equal(expected + "\r\n", body);
    }

    [Theory]
    [InlineData("has space1", null, "INVALIDPARAM_PWD_WHITESPACE")]
    [InlineData("short1", null, "INVALIDPARAM_PWD_TOO_SHORT")]
    [InlineData("onlyletters", null, "INVALIDPARAM_PWD_CHARACTER_CLASSES")]
    [InlineData("Goodpass1", "Different1", "INVALIDPARAM_CONFPWD")]
    public async Task Set_user_enforces_the_password_policy(string pwd, string? confpwd, string expected)
    {
        var (org, nodeId) = await CreateTechnicianAsync();

        var (_, body) = await SetUserAsync(org, nodeId, pwd: pwd, confpwd: confpwd);

        Assert.Equal(expected + "\r\n", body);
    }

    [Fact]
    public async Task Email_of_another_user_is_already_in_use_in_any_case()
    {
        var (org, _) = await CreateTechnicianAsync("ann@contoso.test");
        var (_, created) = await factory.CallAsync("createUser", ("authcode", org.Token), ("parent", org.HelpdeskGroupId.ToString()));
        var other = long.Parse(created.Split(' ', 2)[1]);

        Assert.Equal("INVALIDPARAM_EMAIL_ALREADY_IN_USE\r\n", (await SetUserAsync(org, other, email: "ANN@contoso.test")).Item2);
        Assert.Equal("INVALIDPARAM_EMAIL_ALREADY_IN_USE\r\n", (await SetUserAsync(org, other, email: TestOrganization.MahEmail)).Item2);
    }

    [Fact]
    public async Task Get_user_by_email_follows_email_changes_and_deletes()
    {
        var (org, nodeId) = await CreateTechnicianAsync("ann@contoso.test");
        Task<string> ByEmail(string email) => factory.CallAsync("getUser_v3", ("authcode", org.Token), ("email", email)).ContinueWith(t => t.Result.Body);

        Assert.Contains($"NODEID: {nodeId}\r\n", await ByEmail("Ann@Contoso.test"));
        Assert.Equal("OK\r\n", (await SetUserAsync(org, nodeId, email: "ann.smith@contoso.test")).Item2);
        Assert.Equal("INVALIDPARAM_EMAIL\r\n", await ByEmail("ann@contoso.test"));
        Assert.Contains($"NODEID: {nodeId}\r\n", await ByEmail("ann.smith@contoso.test"));

        // The old address is free again; a deleted technician's address too.
        var (_, created) = await factory.CallAsync("createUser", ("authcode", org.Token), ("parent", org.HelpdeskGroupId.ToString()));
        var other = long.Parse(created.Split(' ', 2)[1]);
        Assert.Equal("OK\r\n", (await SetUserAsync(org, other, "Ann Two", "ann@contoso.test")).Item2);
        Assert.Contains($"NODEID: {other}\r\n", await ByEmail("ann@contoso.test"));
        Assert.Equal("OK\r\n", (await factory.CallAsync("deleteNode", ("authcode", org.Token), ("node", nodeId.ToString()))).Body);
        Assert.Equal("INVALIDPARAM_EMAIL\r\n", await ByEmail("ann.smith@contoso.test"));
        Assert.Equal("OK\r\n", (await SetUserAsync(org, other, "Ann Two", "ann.smith@contoso.test")).Item2);
        Assert.Contains($"NODEID: {other}\r\n", await ByEmail("ann.smith@contoso.test"));
        Assert.Contains("ISACCOUNTHOLDER: True\r\n", await ByEmail(TestOrganization.MahEmail));
    }

    [Fact]
    public async Task Disabling_frees_the_mobile_licence_for_someone_else()
    {
        var (org, first) = await CreateTechnicianAsync("ann@contoso.test", mobile: true);
        var (_, created) = await factory.CallAsync("createUser", ("authcode", org.Token), ("parent", org.HelpdeskGroupId.ToString()));
        var second = long.Parse(created.Split(' ', 2)[1]);

        Assert.Equal("INVALIDPARAM_MOBILEADDON\r\n", (await SetUserAsync(org, second, "Bob", "bob@contoso.test", mobile: "True")).Item2);
        // Disabled with mobileaddon=True still drops the add-on: Disabled forces it off (docs/rescue-api.md).
        Assert.Equal("OK\r\n", (await SetUserAsync(org, first, status: "Disabled", mobile: "True")).Item2);
        Assert.Equal("OK\r\n", (await SetUserAsync(org, second, "Bob", "bob@contoso.test", mobile: "True")).Item2);

        var state = await factory.StateAsync();
        Assert.False(state.Technicians.Single(t => t.NodeId == first).MobileAddon);
        Assert.True(state.Technicians.Single(t => t.NodeId == second).MobileAddon);
        Assert.Equal(1, state.MobileLicencesUsed);
    }

    [Fact]
    public async Task Create_user_under_something_other_than_a_technician_group_is_invalid_parent()
    {
        var org = await factory.CreateOrganizationAsync();

        Assert.Equal("INVALIDPARAM_PARENT\r\n", (await factory.CallAsync("createUser", ("authcode", org.Token), ("parent", org.Organization.RootNodeId.ToString()))).Body);
        Assert.Equal("INVALIDPARAM_PARENT\r\n", (await factory.CallAsync("createUser", ("authcode", org.Token), ("parent", "999"))).Body);
    }

    [Fact]
    public async Task Move_node_and_delete_node_work_and_a_deleted_user_cannot_be_set()
    {
        var (org, nodeId) = await CreateTechnicianAsync();

        Assert.Equal("INVALID_MOVE\r\n", (await factory.CallAsync("moveNode", ("authcode", org.Token), ("node", nodeId.ToString()), ("targetnode", org.Organization.RootNodeId.ToString()))).Body);
        Assert.Equal("OK\r\n", (await factory.CallAsync("moveNode", ("authcode", org.Token), ("node", nodeId.ToString()), ("targetnode", org.SecondLineGroupId.ToString()))).Body);
        Assert.Equal(org.SecondLineGroupId, (await factory.TechnicianAsync(nodeId)).ParentId);

        Assert.Equal("OK\r\n", (await factory.CallAsync("deleteNode", ("authcode", org.Token), ("node", nodeId.ToString()))).Body);
        Assert.True((await factory.TechnicianAsync(nodeId)).Deleted);
        Assert.Equal("USER_DELETED_OR_DISABLED\r\n", (await SetUserAsync(org, nodeId)).Item2);
        Assert.Equal("INVALIDPARAM_NODE\r\n", (await factory.CallAsync("getUser_v3", ("authcode", org.Token), ("node", nodeId.ToString()))).Body);
    }

    [Fact]
    public async Task Unknown_method_is_404()
    {
        var response = await factory.CreateClient().PostAsync("/API/noSuchMethod.aspx", new FormUrlEncodedContent([]));

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Admin_refusals_are_400_with_a_code()
    {
        var org = await factory.CreateOrganizationAsync();

        var response = await factory.CreateClient().PutAsJsonAsync("/admin/default-password", new { password = "short" });

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("INVALIDPARAM_PWD_TOO_SHORT", (await response.Content.ReadFromJsonAsync<AdminError>())!.Code);
        Assert.NotEqual(0, org.HelpdeskGroupId);
    }
}
