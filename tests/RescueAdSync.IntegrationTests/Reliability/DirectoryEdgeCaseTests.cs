using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Directory data a sync meets in real directories and must not be fooled by: members with no mail or a blank name,
/// two users sharing one mail, a user in the groups of two mappings, and a group DN made of LDAP filter syntax.
/// Each case: what is refused gets a clear sync-log entry, nothing is shared or read by mistake, the rest flows.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class DirectoryEdgeCaseTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_member_with_no_mail_gets_MISSING_NAME_OR_EMAIL_and_a_blank_display_name_falls_back_to_the_cn()
    {
        await using var site = await StartAsync("rel-empty", $"cn=techs{_id}");
        var noMail = site.AddUser("nomail", $"No Mail {_id}", mail: null, member: true);
        site.AddUser("blank", " ", $"blank{_id}@example.org", member: true);
        await site.AddPlainMemberAndWaitAsync("plain");

        await site.Stack.EventuallyAsync(async () => (await site.Stack.GetSyncLogAsync()).Any(e =>
            e.DirectoryUserId == noMail && e.ErrorCode == "MISSING_NAME_OR_EMAIL" && e.Level == SyncLogLevel.Error),
            "the sync-log error for the member with no mail", TimeSpan.FromSeconds(30));
        // A blank displayName is no name: the fallback of docs/rules.md (givenName + sn, else cn) names the technician.
        var blank = await site.Stack.WaitForTechnicianAsync(t => t.Email == $"blank{_id}@example.org", "for the member with a blank displayName");
        Assert.Equal(($"blank {_id}", "Enabled"), (blank.Name, blank.Status));

        var technicians = await site.Stack.Emulator.GetTechniciansAsync();
        Assert.DoesNotContain(technicians, t => string.IsNullOrWhiteSpace(t.Name) || string.IsNullOrWhiteSpace(t.Email));
        Assert.DoesNotContain(technicians, t => t.Name == $"No Mail {_id}");
        Assert.DoesNotContain("Unhandled exception", site.Stack.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Two_users_with_one_mail_the_first_keeps_the_technician_the_second_gets_EMAIL_LINKED_TO_OTHER_USER()
    {
        await using var site = await StartAsync("rel-dupmail", $"cn=techs{_id}");
        var mail = $"shared{_id}@example.org";
        site.AddUser("first", $"First {_id}", mail, member: true);
        await site.Stack.WaitForTechnicianAsync(t => t.Email == mail && t.Status == "Enabled", "for the first user of the shared mail");
        var second = site.AddUser("second", $"Second {_id}", mail, member: true);

        await site.Stack.EventuallyAsync(async () => (await site.Stack.GetSyncLogAsync()).Any(e =>
            e.DirectoryUserId == second && e.ErrorCode == "EMAIL_LINKED_TO_OTHER_USER" && e.Level == SyncLogLevel.Error
            // Named as the directory has the user: the reader read it, the provisioner wrote it.
            && e.DisplayName == $"Second {_id}" && e.Email == mail),
            "the sync-log entry of the second user of the shared mail, naming that user", TimeSpan.FromSeconds(30));
        await site.AddPlainMemberAndWaitAsync("plain");

        var technicians = await site.Stack.Emulator.GetTechniciansAsync();
        var shared = Assert.Single(technicians, t => t.Email == mail);
        Assert.Equal(($"First {_id}", "Enabled"), (shared.Name, shared.Status));
        Assert.DoesNotContain(technicians, t => t.Name == $"Second {_id}");
        // Nothing was created for the second user, so its link holds no createUser intent (which would send its next change
        // looking for orphans).
        var secondLink = await site.Stack.GetLinkAsync(second);
        Assert.True(secondLink is null or { TechnicianNodeId: null, CreatePendingSince: null }, $"no technician and no intent, not {secondLink}");

        // The second user leaving must not touch the first one's technician either.
        site.RemoveMember("second");
        await site.AddPlainMemberAndWaitAsync("plain2");
        shared = Assert.Single(await site.Stack.Emulator.GetTechniciansAsync(), t => t.Email == mail);
        Assert.Equal(($"First {_id}", "Enabled"), (shared.Name, shared.Status));
    }

    [Fact]
    public async Task A_user_in_the_groups_of_two_mappings_is_handled_by_the_first_by_priority_and_does_not_flap()
    {
        await using var site = await StartAsync("rel-twomaps", $"cn=techs{_id}");
        var secondGroup = $"cn=second{_id},{site.Ou}";
        site.Ldap.Add(secondGroup, ("objectClass", ["groupOfNames"]), ("member", [site.UserDn("keeper")]));
        var secondTechnicianGroup = await site.Stack.Emulator.CreateTechnicianGroupAsync("Second");
        // No priority given: after the stack's mapping, which therefore comes first.
        var created = await site.Stack.ConfigAdmin.PostAsJsonAsync("/api/mappings", new MappingSettings(secondGroup, secondTechnicianGroup));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        site.AddUser("both", $"Both {_id}", $"both{_id}@example.org", member: true);
        site.Ldap.AddValue(secondGroup, "member", site.UserDn("both"));
        site.AddUser("only2", $"Only Second {_id}", $"only2{_id}@example.org", member: false);
        site.Ldap.AddValue(secondGroup, "member", site.UserDn("only2"));

        await site.Stack.WaitForTechnicianAsync(t => t.Email == $"only2{_id}@example.org" && t.ParentId == secondTechnicianGroup,
            "for the second mapping's own member");
        var both = await site.Stack.WaitForTechnicianAsync(t => t.Email == $"both{_id}@example.org", "for the user in both groups");
        Assert.Equal((site.Stack.TechnicianGroupId, "Enabled"), (both.ParentId, both.Status));

        // No flapping: over several poll cycles the technician stays put, once, Enabled, and no mapping logs an error for it.
        var userId = site.EntryUuid("both");
        await site.Stack.WaitForReaderPollsAsync(8, "with the user in both groups", async () =>
        {
            var now = Assert.Single(await site.Stack.Emulator.GetTechniciansAsync(), t => t.Email == $"both{_id}@example.org");
            Assert.Equal((both.NodeId, site.Stack.TechnicianGroupId, "Enabled"), (now.NodeId, now.ParentId, now.Status));
        });
        Assert.DoesNotContain(await site.Stack.GetSyncLogAsync(), e => e.DirectoryUserId == userId && e.Level == SyncLogLevel.Error);

        // Leaving the first mapping's group hands the user to the second mapping: it stays Enabled (rule 4: not moved back).
        site.RemoveMember("both");
        await site.AddPlainMemberAndWaitAsync("plain");
        await site.Stack.EventuallyAsync(async () => (await site.Stack.Emulator.GetTechniciansAsync())
            .Any(t => t.Email == $"both{_id}@example.org" && t.Status == "Enabled" && t.NodeId == both.NodeId),
            "the user in both groups still Enabled through the second mapping", TimeSpan.FromSeconds(30));
        Assert.Single(await site.Stack.Emulator.GetTechniciansAsync(), t => t.Email == $"both{_id}@example.org");
    }

    [Fact]
    public async Task A_group_DN_made_of_LDAP_filter_syntax_is_escaped_and_reads_its_own_members_only()
    {
        // RFC 4515 characters in the group's name: an unescaped filter would become (memberOf=cn=x)(uid=*...) and read everyone.
        await using var site = await StartAsync("rel-inject", $@"cn=techs{_id})(uid=*\5c\2a");
        site.AddUser("outsider", $"Outsider {_id}", $"outsider{_id}@example.org", member: false);
        site.AddUser("star", $"Star {_id}", $"star{_id}@example.org", member: false);
        await site.AddPlainMemberAndWaitAsync("plain");
        site.Ldap.Replace(site.UserDn("outsider"), "mail", $"outsider.v2{_id}@example.org");
        await site.AddPlainMemberAndWaitAsync("plain2");

        var technicians = await site.Stack.Emulator.GetTechniciansAsync();
        Assert.Equal(
            new[] { $"keeper{_id}@example.org", $"plain{_id}@example.org", $"plain2{_id}@example.org" }.Order(),
            technicians.Select(t => t.Email).Order());
        Assert.DoesNotContain("Unhandled exception", site.Stack.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_group_DN_with_a_NUL_is_refused_with_a_clear_error_and_the_other_mapping_flows()
    {
        await using var site = await StartAsync("rel-nul", $"cn=techs{_id}");
        var response = await site.Stack.ConfigAdmin.PostAsJsonAsync("/api/mappings",
            new MappingSettings($"cn=techs{_id}\0)(uid=*,{site.Ou}", site.Stack.TechnicianGroupId));
        var body = await response.Content.ReadAsStringAsync();
        // Refused at the door: a 400 naming the field and the character, and nothing stored.
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("sourceGroupDn", body, StringComparison.Ordinal);
        Assert.Contains("U+0000", body, StringComparison.Ordinal);
        var mappings = await site.Stack.ConfigAdmin.GetFromJsonAsync<List<Mapping>>("/api/mappings");
        Assert.DoesNotContain(mappings!, m => m.SourceGroupDn.Contains('\0', StringComparison.Ordinal));
        site.AddUser("outsider", $"Outsider {_id}", $"outsider{_id}@example.org", member: false);
        await site.AddPlainMemberAndWaitAsync("plain");
        Assert.DoesNotContain(await site.Stack.Emulator.GetTechniciansAsync(), t => t.Email == $"outsider{_id}@example.org");
        Assert.DoesNotContain("Unhandled exception", site.Stack.Output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An OU with a group (holding a keeper) under the slapd base DN and a stack syncing it; returns once the keeper is synced.</summary>
    private async Task<Site> StartAsync(string name, string groupRdn)
    {
        var server = slapd.Server;
        var ou = $"ou=edge{_id},{server.BaseDn}";
        var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        var group = $"{groupRdn},{ou}";
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add($"uid=keeper,{ou}", Person($"Keeper {_id}", $"keeper{_id}@example.org"));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [$"uid=keeper,{ou}"]));
        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn, server.AdminPassword,
            server.BaseDn, PollIntervalSeconds: 1);
        SyncStack? stack = null;
        try
        {
            stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, name);
            await stack.WaitForTechnicianAsync(t => t.Email == $"keeper{_id}@example.org", "for the keeper");
            return new Site(server, ldap, stack, ou, group, _id);
        }
        catch
        {
            if (stack is not null)
            {
                await stack.DisposeAsync();
            }

            ldap.Dispose();
            throw;
        }
    }

    private static (string, string[])[] Person(string name, string? mail) => mail is null
        ? [("objectClass", ["inetOrgPerson"]), ("cn", [name]), ("sn", ["x"]), ("displayName", [name])]
        : [("objectClass", ["inetOrgPerson"]), ("cn", [name]), ("sn", ["x"]), ("displayName", [name]), ("mail", [mail])];

    private sealed class Site(SlapdServer server, LdapAdmin ldap, SyncStack stack, string ou, string group, string id) : IAsyncDisposable
    {
        public LdapAdmin Ldap => ldap;
        public SyncStack Stack => stack;
        public string Ou => ou;

        public string UserDn(string key) => $"uid={key},{ou}";

        /// <summary>Adds a user (a member of the stack's group if asked); returns its entryUUID.</summary>
        public string AddUser(string key, string name, string? mail, bool member)
        {
            // The cn must be a real value even when the displayName is blank.
            var person = Person(name, mail).Select(a => a.Item1 == "cn" ? ("cn", new[] { $"{key} {id}" }) : a).ToArray();
            ldap.Add(UserDn(key), person);
            if (member)
            {
                ldap.AddValue(group, "member", UserDn(key));
            }

            return EntryUuid(key);
        }

        public void RemoveMember(string key) => ldap.RemoveValue(group, "member", UserDn(key));

        public string EntryUuid(string key)
        {
            using var connection = Infrastructure.Ldap.Bind(server.Url, server.AdminDn, server.AdminPassword);
            return (string)Infrastructure.Ldap.Find(connection, UserDn(key), "entryUUID")!.Attributes["entryUUID"][0];
        }

        /// <summary>A plain member added last: once it is a technician, the reader has read past every earlier change.</summary>
        public async Task AddPlainMemberAndWaitAsync(string key)
        {
            AddUser(key, $"Plain {key} {id}", $"{key}{id}@example.org", member: true);
            await stack.WaitForTechnicianAsync(t => t.Email == $"{key}{id}@example.org" && t.Status == "Enabled", $"for the plain member {key}");
        }

        public async ValueTask DisposeAsync()
        {
            await stack.DisposeAsync();
            ldap.Dispose();
        }
    }
}
