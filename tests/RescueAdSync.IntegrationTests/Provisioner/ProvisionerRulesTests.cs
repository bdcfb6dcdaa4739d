using RescueAdSync.Contracts;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Provisioner;

/// <summary>
/// Each rule of docs/rules.md through real RabbitMQ, the real config service and the Rescue emulator over HTTP. The tests publish
/// UserChanged the way the reader does, so every scenario is exact; the reader has its own end-to-end tests.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ProvisionerRulesTests(RabbitMqFixture rabbit)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task New_user_becomes_enabled_technician_with_default_password_and_must_change_mark()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-create");
        await stack.PublishAsync(stack.Change($"u-{_id}", 10, "Alice Anders", $"alice{_id}@example.org"));

        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"alice{_id}@example.org", "for alice");
        Assert.Equal(("Alice Anders", "Enabled", stack.TechnicianGroupId), (technician.Name, technician.Status, technician.ParentId));
        Assert.True(technician.MustChangePassword);
        Assert.True(technician.HasDefaultPassword);
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}"))?.Version == 10, "the link at version 10");
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Fact]
    public async Task Existing_technician_with_the_same_email_is_linked_and_a_hand_made_one_with_another_email_is_never_touched()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-link");
        var existing = await stack.Emulator.CreateTechnicianAsync(stack.TechnicianGroupId, "Bob Old", $"bob{_id}@example.org");
        var bystander = await stack.Emulator.CreateTechnicianAsync(stack.TechnicianGroupId, "Hand Made", $"hand{_id}@example.org");
        var before = (await stack.Emulator.GetTechniciansAsync()).Single(t => t.NodeId == bystander);

        await stack.PublishAsync(stack.Change($"u-{_id}", 5, "Bob Builder", $"bob{_id}@example.org"));

        await stack.WaitForTechnicianAsync(t => t.NodeId == existing && t.Name == "Bob Builder", "bob linked and renamed");
        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.Single(technicians, t => t.Email == $"bob{_id}@example.org");
        Assert.Equal(before, technicians.Single(t => t.NodeId == bystander));
        Assert.Empty(await stack.Emulator.GetCallsAsync("createUser"));
        Assert.DoesNotContain(await stack.Emulator.GetCallsAsync("setUser_v2"), c => c.Parameters["node"] == bystander.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}"))?.TechnicianNodeId == existing, "the link to bob's technician");
    }

    [Fact]
    public async Task Name_and_email_changes_update_the_same_technician()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-update");
        await stack.PublishAsync(stack.Change($"u-{_id}", 1, "Carol Cole", $"carol{_id}@example.org"));
        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"carol{_id}@example.org", "for carol");

        await stack.PublishAsync(stack.Change($"u-{_id}", 2, "Carol Cole-Smith", $"carol.smith{_id}@example.org"));

        await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Name == "Carol Cole-Smith" && t.Email == $"carol.smith{_id}@example.org",
            "carol renamed");
        Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Single(await stack.Emulator.GetCallsAsync("createUser"));
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Fact]
    public async Task An_email_held_by_another_technician_is_refused_and_the_log_names_the_user_the_email_and_its_holder()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-email-taken");
        var holder = await stack.Emulator.CreateTechnicianAsync(stack.TechnicianGroupId, "Hand Made", $"taken{_id}@example.org");
        await stack.PublishAsync(stack.Change($"u-{_id}", 1, "Fay Field", $"fay{_id}@example.org"));
        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"fay{_id}@example.org", "for fay");

        await stack.PublishAsync(stack.Change($"u-{_id}", 2, "Fay Field", $"taken{_id}@example.org"));

        await stack.EventuallyAsync(async () => (await stack.GetSyncLogAsync()).Any(e => e.ErrorCode == "INVALIDPARAM_EMAIL_ALREADY_IN_USE"
            && e.Message.Contains($"'taken{_id}@example.org'", StringComparison.Ordinal)
            && e.Message.Contains($"technician {holder}", StringComparison.Ordinal)
            && e.Message.Contains($"for technician {technician.NodeId}", StringComparison.Ordinal)
            // The entry names the person, as the change had them, not only the directory id.
            && e.DirectoryUserId == $"u-{_id}" && e.DisplayName == "Fay Field" && e.Email == $"taken{_id}@example.org"),
            "the refusal naming the user, the email and the technician holding it");
        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.Equal($"fay{_id}@example.org", technicians.Single(t => t.NodeId == technician.NodeId).Email);
        Assert.Equal("Hand Made", technicians.Single(t => t.NodeId == holder).Name);
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Theory]
    [InlineData(UserState.Disabled)]
    [InlineData(UserState.OutOfScope)]
    [InlineData(UserState.Deleted)]
    public async Task Disabled_out_of_scope_or_deleted_user_disables_technician_and_frees_the_mobile_licence(UserState state)
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-disable", mobileAddon: true, mobileLicences: 1);
        await stack.PublishAsync(stack.Change($"u-{_id}", 1, "Dan Dale", $"dan{_id}@example.org"));
        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"dan{_id}@example.org" && t.MobileAddon, "dan with the mobile add-on");

        await stack.PublishAsync(stack.Change($"u-{_id}", 2, "Dan Dale", $"dan{_id}@example.org", state));
        await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Status == "Disabled" && !t.MobileAddon, $"dan disabled ({state})");

        // The freed licence goes to someone else at once.
        await stack.PublishAsync(stack.Change($"v-{_id}", 3, "Eve Eden", $"eve{_id}@example.org"));
        await stack.WaitForTechnicianAsync(t => t.Email == $"eve{_id}@example.org" && t.MobileAddon, "eve with the freed licence");
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Fact]
    public async Task User_who_comes_back_gets_the_same_technician_enabled_with_the_mobile_add_on()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-back", mobileAddon: true);
        await stack.PublishAsync(stack.Change($"u-{_id}", 1, "Fay Ford", $"fay{_id}@example.org"));
        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"fay{_id}@example.org", "for fay");
        await stack.PublishAsync(stack.Change($"u-{_id}", 2, "Fay Ford", $"fay{_id}@example.org", UserState.Deleted));
        await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Status == "Disabled", "fay disabled");

        await stack.PublishAsync(stack.Change($"u-{_id}", 3, "Fay Ford", $"fay{_id}@example.org"));

        await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Status == "Enabled" && t.MobileAddon, "fay enabled again");
        Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Single(await stack.Emulator.GetCallsAsync("createUser"));
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Fact]
    public async Task Technician_moved_by_a_Rescue_admin_gets_only_status_updates_and_is_never_moved_back()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-moved", mobileAddon: true);
        await stack.PublishAsync(stack.Change($"u-{_id}", 1, "Gus Grant", $"gus{_id}@example.org"));
        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"gus{_id}@example.org", "for gus");
        var elsewhere = await stack.Emulator.CreateTechnicianGroupAsync("Second Line");
        await stack.Emulator.MoveTechnicianAsync(technician.NodeId, elsewhere);

        await stack.PublishAsync(stack.Change($"u-{_id}", 2, "Gus Renamed", $"gus.renamed{_id}@example.org", UserState.Disabled));
        var disabled = await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Status == "Disabled", "gus disabled");
        Assert.Equal(("Gus Grant", $"gus{_id}@example.org", elsewhere, false), (disabled.Name, disabled.Email, disabled.ParentId, disabled.MobileAddon));

        await stack.PublishAsync(stack.Change($"u-{_id}", 3, "Gus Again", $"gus.again{_id}@example.org"));
        var enabled = await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Status == "Enabled", "gus enabled");
        Assert.Equal(("Gus Grant", $"gus{_id}@example.org", elsewhere, true), (enabled.Name, enabled.Email, enabled.ParentId, enabled.MobileAddon));
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Fact]
    public async Task The_same_message_twice_changes_nothing_the_second_time()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-twice");
        var change = stack.Change($"u-{_id}", 7, "Hal Hart", $"hal{_id}@example.org");
        await stack.PublishAsync(change);
        await stack.WaitForTechnicianAsync(t => t.Email == $"hal{_id}@example.org", "for hal");
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}"))?.Version == 7, "the link at version 7");
        var callsBefore = await stack.Emulator.GetCallsAsync();
        var techniciansBefore = await stack.Emulator.GetTechniciansAsync();

        await stack.PublishAsync(change);

        await stack.EventuallyAsync(async () => (await stack.GetMetricsAsync(stack.Provisioners[0])).Contains("result=\"stale\"} 1", StringComparison.Ordinal),
            "the duplicate to be dropped as stale");
        Assert.Equal(callsBefore.Count, (await stack.Emulator.GetCallsAsync()).Count);
        Assert.Equal(techniciansBefore, await stack.Emulator.GetTechniciansAsync());
    }

    [Fact]
    public async Task No_free_mobile_licence_is_logged_and_the_rest_of_the_change_is_applied()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-licence", mobileAddon: true, mobileLicences: 1);
        await stack.PublishAsync(stack.Change($"u-{_id}", 1, "Ivy Irons", $"ivy{_id}@example.org"));
        var first = await stack.WaitForTechnicianAsync(t => t.Email == $"ivy{_id}@example.org" && t.MobileAddon, "ivy with the only licence");

        await stack.PublishAsync(stack.Change($"v-{_id}", 2, "Jon Jones", $"jon{_id}@example.org"));

        var second = await stack.WaitForTechnicianAsync(t => t.Email == $"jon{_id}@example.org", "jon without a licence");
        Assert.Equal(("Jon Jones", "Enabled", false, true), (second.Name, second.Status, second.MobileAddon, second.MustChangePassword));
        await stack.EventuallyAsync(async () => (await stack.GetSyncLogAsync()).Any(e => e.ErrorCode == "INVALIDPARAM_MOBILEADDON" && e.DirectoryUserId == $"v-{_id}"),
            "the missing licence in the sync log");
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"v-{_id}"))?.Version == 2, "jon's link at version 2");

        // Once ivy leaves, jon's next change gets the licence.
        await stack.PublishAsync(stack.Change($"u-{_id}", 3, "Ivy Irons", $"ivy{_id}@example.org", UserState.OutOfScope));
        await stack.WaitForTechnicianAsync(t => t.NodeId == first.NodeId && !t.MobileAddon, "ivy's licence freed");
        await stack.PublishAsync(stack.Change($"v-{_id}", 4, "Jon Jones", $"jon{_id}@example.org"));
        await stack.WaitForTechnicianAsync(t => t.NodeId == second.NodeId && t.MobileAddon, "jon with the freed licence");
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Fact]
    public async Task Email_refused_by_Rescue_is_logged_and_the_corrected_mail_completes_the_same_technician()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-bad-mail");
        await stack.PublishAsync(stack.Change($"u-{_id}", 1, "Pia Park", $"pia.{_id}.example.org"));

        await stack.EventuallyAsync(async () => (await stack.GetSyncLogAsync()).Any(e =>
            e is { ErrorCode: "INVALIDPARAM_EMAIL", Level: RescueAdSync.Contracts.Config.SyncLogLevel.Error, WillRetry: false }
            && e.DirectoryUserId == $"u-{_id}" && e.Message.Contains($"pia.{_id}.example.org", StringComparison.Ordinal)),
            "the refused email in the sync log");
        var empty = Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Equal("", empty.Email);
        var reserved = await stack.GetLinkAsync($"u-{_id}");
        Assert.Equal(empty.NodeId, reserved!.TechnicianNodeId);
        Assert.Equal(0, await stack.GetQueueCountAsync("user-changed_error"));

        await stack.PublishAsync(stack.Change($"u-{_id}", 2, "Pia Park", $"pia{_id}@example.org"));

        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"pia{_id}@example.org", "pia with the corrected mail");
        Assert.Equal((empty.NodeId, "Pia Park", "Enabled", true), (technician.NodeId, technician.Name, technician.Status, technician.MustChangePassword));
        Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Single(await stack.Emulator.GetCallsAsync("createUser"));
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}"))?.Version == 2, "the link at version 2");
    }

    [Theory]
    [InlineData(UserState.Disabled)]
    [InlineData(UserState.Deleted)]
    public async Task User_gone_before_any_technician_exists_leaves_a_link_without_one_so_an_older_enabled_version_creates_nothing(UserState state)
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-gone-first");
        await stack.PublishAsync(stack.Change($"u-{_id}", 5, "Quin Quay", $"quin{_id}@example.org", state));
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}")) is { Version: 5, TechnicianNodeId: null } link && link.State == state,
            "a link at version 5 without a technician");

        // The older Enabled version arrives late (a redelivery): it is stale, not a reason to create a technician.
        await stack.PublishAsync(stack.Change($"u-{_id}", 3, "Quin Quay", $"quin{_id}@example.org"));
        await stack.EventuallyAsync(async () => (await stack.GetMetricsAsync(stack.Provisioners[0])).Contains("result=\"stale\"} 1", StringComparison.Ordinal),
            "the older version dropped as stale");
        Assert.Empty(await stack.Emulator.GetTechniciansAsync());
        Assert.Empty(await stack.Emulator.GetCallsAsync("createUser"));

        // A newer Enabled version (the user came back) creates it.
        await stack.PublishAsync(stack.Change($"u-{_id}", 6, "Quin Quay", $"quin{_id}@example.org"));
        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"quin{_id}@example.org", "quin after coming back");
        Assert.Equal("Enabled", technician.Status);
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}")) is { Version: 6 } link && link.TechnicianNodeId == technician.NodeId,
            "the link at version 6 with the technician");
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }
}
