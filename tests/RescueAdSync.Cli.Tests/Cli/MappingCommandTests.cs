using RescueAdSync.Cli.Tests.Infrastructure;

namespace RescueAdSync.Cli.Tests.Cli;

[Collection(ConfigStackCollection.Name)]
public sealed class MappingCommandTests(ConfigStack stack)
{
    [Fact]
    public async Task Mapping_add_list_update_remove_round_trip_as_table_and_json()
    {
        var group = $"CN=Support-{Guid.NewGuid():N},OU=Groups,DC=corp,DC=example,DC=org";
        var (id, technicianGroup) = await stack.AddMappingAsync(group);

        var table = await stack.RunCliAsync("mapping", "list");
        table.AssertExit(0);
        var row = table.Stdout.Split('\n').Single(line => line.StartsWith(id.ToString(), StringComparison.Ordinal));
        Assert.Matches($@"{id}\s+{group}\s+{technicianGroup}\s+no\s+yes", row);
        Assert.StartsWith("ID ", table.Stdout);

        var json = (await stack.RunCliAsync("mapping", "list", "--json")).Json();
        var listed = json.EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == id);
        Assert.Equal(group, listed.GetProperty("sourceGroupDn").GetString());

        var update = await stack.RunCliAsync("mapping", "update", id.ToString(), "--enabled", "false", "--mobile-addon", "true", "--json");
        update.AssertExit(0);
        var updated = update.Json();
        Assert.False(updated.GetProperty("enabled").GetBoolean());
        Assert.True(updated.GetProperty("mobileAddon").GetBoolean());
        Assert.Equal(technicianGroup, updated.GetProperty("technicianGroupId").GetInt64());

        (await stack.RunCliAsync("mapping", "remove", id.ToString())).AssertExit(0);
        var after = (await stack.RunCliAsync("mapping", "list", "--json")).Json();
        Assert.DoesNotContain(after.EnumerateArray(), m => m.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Mapping_add_with_bad_input_exits_1_and_names_each_field()
    {
        var result = await stack.RunCliAsync("mapping", "add", "--group", "Support", "--technician-group", "0");

        result.AssertExit(1);
        Assert.Contains("sourceGroupDn:", result.Stderr);
        Assert.Contains("technicianGroupId: Must be a positive Rescue node id.", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Mapping_add_of_an_already_mapped_group_exits_1_with_the_reason()
    {
        var group = $"CN=Dup-{Guid.NewGuid():N},DC=corp,DC=example,DC=org";
        await stack.AddMappingAsync(group);
        var otherTechnicianGroup = await stack.CreateTechnicianGroupAsync($"Other {Guid.NewGuid():N}");

        var result = await stack.RunCliAsync("mapping", "add", "--group", group, "--technician-group", otherTechnicianGroup.ToString());

        result.AssertExit(1);
        Assert.Contains("already mapped", result.Stderr);
    }

    [Fact]
    public async Task Mapping_update_of_an_unknown_id_exits_3()
    {
        var result = await stack.RunCliAsync("mapping", "update", Guid.NewGuid().ToString(), "--enabled", "false");

        result.AssertExit(3);
        Assert.Contains("not found", result.Stderr);
    }

    [Fact]
    public async Task Mapping_remove_with_a_malformed_id_exits_1_before_calling_the_service()
    {
        var result = await stack.RunCliAsync("mapping", "remove", "support");

        result.AssertExit(1);
        Assert.Contains("not a mapping id", result.Stderr);
    }

    [Fact]
    public async Task Mapping_add_without_the_required_options_exits_1_with_usage()
    {
        var result = await stack.RunCliAsync("mapping", "add");

        result.AssertExit(1);
        Assert.Contains("--technician-group", result.Stderr);

        var noGroup = await stack.RunCliAsync("mapping", "add", "--technician-group", "5");
        noGroup.AssertExit(1);
        Assert.Contains("--group <DN> or as --group-name", noGroup.Stderr);
    }

    [Fact]
    public async Task Mapping_rules_are_set_by_add_and_update_and_shown()
    {
        var group = $"CN=Rules-{Guid.NewGuid():N},OU=Groups,DC=corp,DC=example,DC=org";
        var technicianGroup = await stack.CreateTechnicianGroupAsync($"Rules {Guid.NewGuid():N}");
        var priority = Random.Shared.Next(100_000, 900_000);
        var add = await stack.RunCliAsync("mapping", "add", "--group", group, "--technician-group", technicianGroup.ToString(),
            "--nested", "true", "--name-attribute", "cn", "--email-attribute", "userPrincipalName", "--priority", priority.ToString(), "--json");
        add.AssertExit(0);
        var json = add.Json();
        var id = json.GetProperty("id").GetGuid();
        Assert.Equal((true, "cn", "userPrincipalName", priority, "default"),
            (json.GetProperty("nested").GetBoolean(), json.GetProperty("nameAttribute").GetString(), json.GetProperty("emailAttribute").GetString(),
             json.GetProperty("priority").GetInt32(), json.GetProperty("directory").GetString()));

        // Update changes only what is given; "" puts an attribute back to the default rule.
        var update = await stack.RunCliAsync("mapping", "update", id.ToString(), "--nested", "false", "--name-attribute", "", "--json");
        update.AssertExit(0);
        var updated = update.Json();
        Assert.False(updated.GetProperty("nested").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, updated.GetProperty("nameAttribute").ValueKind);
        Assert.Equal("userPrincipalName", updated.GetProperty("emailAttribute").GetString());
        Assert.Equal(priority, updated.GetProperty("priority").GetInt32());

        var row = (await stack.RunCliAsync("mapping", "list")).Stdout.Split('\n').Single(line => line.StartsWith(id.ToString(), StringComparison.Ordinal));
        Assert.Matches($@"{id}\s+{group}\s+{technicianGroup}\s+no\s+yes\s+no\s+{priority}\s+default", row);

        // A taken priority is a conflict (exit 1) naming the other mapping.
        var other = $"CN=Rules-{Guid.NewGuid():N},OU=Groups,DC=corp,DC=example,DC=org";
        var taken = await stack.RunCliAsync("mapping", "add", "--group", other, "--technician-group", technicianGroup.ToString(), "--priority", priority.ToString());
        taken.AssertExit(1);
        Assert.Contains(id.ToString(), taken.Stderr);
        (await stack.RunCliAsync("mapping", "remove", id.ToString())).AssertExit(0);
    }

    [Fact]
    public async Task Mapping_add_with_both_or_neither_group_option_exits_1()
    {
        var both = await stack.RunCliAsync("mapping", "add", "--group", "CN=A,DC=corp,DC=example,DC=org", "--group-name", "A", "--technician-group", "5");
        both.AssertExit(1);
        Assert.Contains("--group-name", both.Stderr);

        var badAttribute = await stack.RunCliAsync("mapping", "add", "--group", "CN=B,DC=corp,DC=example,DC=org", "--technician-group", "5",
            "--name-attribute", "display name");
        badAttribute.AssertExit(1);
        Assert.Contains("nameAttribute", badAttribute.Stderr);
    }
}
