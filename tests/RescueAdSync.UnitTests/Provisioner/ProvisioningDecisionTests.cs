using CsCheck;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;

namespace RescueAdSync.UnitTests.Provisioner;

/// <summary>
/// The provisioning rules of docs/rules.md, one row each, and their combinations: what <see cref="ProvisioningDecision.Decide"/>
/// plans for a change, its link and its technician. Then the invariants no input may break, over random inputs.
/// </summary>
public sealed class ProvisioningDecisionTests
{
    private const long Group = 100;
    private const long Node = 7;
    private static readonly Mapping TheMapping = new(Guid.Parse("6f1c1f9e-0000-4000-8000-000000000001"), "cn=techs", Group, MobileAddon: true, Enabled: true,
        DateTimeOffset.UnixEpoch);

    private static UserChanged Change(UserState state = UserState.Enabled, long version = 10, bool force = false, string name = "Ann Smith",
        string email = "ann@example.org") =>
        new(TheMapping.Id, "ann", version, name, email, state, "uid=ann", DateTimeOffset.UnixEpoch, Guid.Empty, force);

    private static RescueTechnician Technician(string name = "Ann Smith", string email = "ann@example.org", bool enabled = true, bool mobile = true) =>
        new(Node, name, "nick", email, "sso", "desc", "Technician", mobile, HasRpatAddon: true, enabled ? "Enabled" : "Disabled", false);

    private static TechnicianLink Linked(long version = 5, long? node = Node, DateTimeOffset? pending = null) =>
        new("ann", TheMapping.Id, node, version, UserState.Enabled, DateTimeOffset.UnixEpoch, pending);

    private static readonly TechnicianLink Pending = Linked(node: null, pending: DateTimeOffset.UnixEpoch);

    private sealed record Case(UserChanged Change, TechnicianLink? Link, RescueTechnician? Technician, string Expected, Mapping? Mapping = null,
        Placement Placement = Placement.NotAsked, string? HeldBy = null, bool NoMapping = false)
    {
        public Plan Decide() => ProvisioningDecision.Decide(Change, NoMapping ? null : Mapping ?? TheMapping, Link, Technician, Placement, HeldBy);
    }

    private static readonly Dictionary<string, Case> Rules = new()
    {
        // The mapping and the user's own values.
        ["mapping deleted: skipped"] = new(Change(), null, null,
            $"Skip - node -: Mapping {TheMapping.Id} was deleted since the directory was read: its users are not provisioned.", NoMapping: true),
        ["mapping disabled: skipped"] = new(Change(), Linked(), Technician("Old Name"), "Skip - node -: The mapping is disabled: its changes are not applied.",
            TheMapping with { Enabled = false }),
        ["no email: skipped and logged"] = new(Change(email: " "), null, null,
            "Skip MISSING_NAME_OR_EMAIL node -: The directory user has no usable name or email; Rescue requires both."),
        ["no name: skipped and logged"] = new(Change(name: ""), Linked(), Technician(), "Skip MISSING_NAME_OR_EMAIL node -: The directory user has no usable name or email; Rescue requires both."),

        // Rule 9: versions in order, exactly once in effect; a forced resync repairs the same version, never an older one.
        ["older version: stale"] = new(Change(version: 4), Linked(version: 5), Technician("Old Name"), "Stale after 5"),
        ["same version again: stale"] = new(Change(version: 5), Linked(version: 5), Technician("Old Name"), "Stale after 5"),
        ["same version forced: applied again"] = new(Change(version: 5, force: true), Linked(version: 5), Technician("Changed By Hand"),
            "Update 7 [Ann Smith <ann@example.org> enabled +mobile]", Placement: Placement.InGroup),
        ["older version forced: stale"] = new(Change(version: 4, force: true), Linked(version: 5), Technician("Old Name"), "Stale after 5"),
        ["older disabled version of a user without technician: stale"] = new(Change(UserState.Disabled, version: 4), Linked(version: 5, node: null), null, "Stale after 5"),
        ["stale is decided before the group is asked"] = new(Change(UserState.Disabled, version: 5), Linked(version: 5), Technician(), "Stale after 5",
            Placement: Placement.Moved),

        // Rule 7: a new user gets a new technician (default password added by the executor, never in the plan).
        ["new enabled user: created"] = new(Change(), null, null, "Create node new recover=False [Ann Smith <ann@example.org> enabled +mobile]"),
        ["new enabled user of a mapping without mobile add-on: created without"] = new(Change(), null, null,
            "Create node new recover=False [Ann Smith <ann@example.org> enabled]", TheMapping with { MobileAddon = false }),
        ["orphaned createUser intent: the orphan is recovered first"] = new(Change(), Pending, null,
            "Create node new recover=True [Ann Smith <ann@example.org> enabled +mobile]"),
        ["orphaned intent, user disabled meanwhile: orphan recovered, none created"] = new(Change(UserState.Disabled), Pending, null, "NoTechnician recover=True"),
        ["linked technician left empty by an interrupted create: completed"] = new(Change(), Linked(), Technician(email: "", name: ""),
            "Create node 7 recover=False [Ann Smith <ann@example.org> enabled +mobile]"),
        ["linked empty technician of a disabled user: completed disabled"] = new(Change(UserState.Disabled), Linked(), Technician(email: "", name: ""),
            "Create node 7 recover=False [Ann Smith <ann@example.org> disabled]"),

        // Rule 2 consequence: no licence for a user not enabled when first seen.
        ["new disabled user: no technician"] = new(Change(UserState.Disabled), null, null, "NoTechnician recover=False"),
        ["new deleted user: no technician"] = new(Change(UserState.Deleted), null, null, "NoTechnician recover=False"),
        ["new out-of-scope user: no technician"] = new(Change(UserState.OutOfScope), Linked(node: null, version: 3), null, "NoTechnician recover=False"),

        // Rule 5: a technician with the user's email is linked, not duplicated; rule 6: one held by another user is never written.
        ["technician with the email: linked and updated"] = new(Change(), null, Technician("Made By Hand", mobile: false),
            "Link 7 moved=False [Ann Smith <ann@example.org> enabled +mobile]", Placement: Placement.InGroup),
        ["technician with the email already right: linked"] = new(Change(), null, Technician(), "Link 7 moved=False [Ann Smith <ann@example.org> enabled +mobile]"),
        ["technician with the email, user disabled: linked and disabled"] = new(Change(UserState.Disabled), null, Technician(),
            "Link 7 moved=False [Ann Smith <ann@example.org> disabled]", Placement: Placement.InGroup),
        ["technician with the email in another group: linked, status only"] = new(Change(UserState.Disabled), null, Technician("Admin's Name", "ANN@example.org"),
            "Link 7 moved=True [Admin's Name <ANN@example.org> disabled]", Placement: Placement.Moved),
        ["technician with the email held by another user: skipped and logged"] = new(Change(), null, Technician("Bob"),
            "Skip EMAIL_LINKED_TO_OTHER_USER node -: Technician 7 has this user's email but is linked to another directory user: two users share one email.",
            HeldBy: ProvisioningDecision.AnotherUser),
        ["technician with the email held by another user, orphaned intent: skipped"] = new(Change(), Pending, Technician(),
            "Skip EMAIL_LINKED_TO_OTHER_USER node -: Technician 7 has this user's email but is linked to another directory user: two users share one email.",
            HeldBy: "bob"),

        // The linked technician.
        ["linked technician deleted in Rescue: skipped and logged"] = new(Change(), Linked(), null,
            "Skip INVALIDPARAM_NODE node 7: Technician node 7 linked to this user no longer exists in Rescue; nothing was changed."),
        ["linked technician deleted in Rescue, user disabled: nothing recreated"] = new(Change(UserState.Deleted), Linked(), null,
            "Skip INVALIDPARAM_NODE node 7: Technician node 7 linked to this user no longer exists in Rescue; nothing was changed."),
        ["renamed in the directory: updated"] = new(Change(name: "Ann Jones"), Linked(), Technician(), "Update 7 [Ann Jones <ann@example.org> enabled +mobile]",
            Placement: Placement.InGroup),
        ["new email in the directory: updated"] = new(Change(email: "ann.jones@example.org"), Linked(), Technician(),
            "Update 7 [Ann Smith <ann.jones@example.org> enabled +mobile]", Placement: Placement.InGroup),
        ["email differing only in case: no change"] = new(Change(email: "Ann@Example.org"), Linked(), Technician(), "NoChange 7"),
        ["mobile add-on missing: given"] = new(Change(), Linked(), Technician(mobile: false), "Update 7 [Ann Smith <ann@example.org> enabled +mobile]",
            Placement: Placement.InGroup),
        ["already applied: no change"] = new(Change(), Linked(), Technician(), "NoChange 7"),

        // Rule 2: disabled, deleted, out of scope → Disabled with the add-on released; rule 1: never deleted.
        ["disabled in the directory: disabled"] = new(Change(UserState.Disabled), Linked(), Technician(), "Disable 7 [Ann Smith <ann@example.org> disabled]",
            Placement: Placement.InGroup),
        ["deleted in the directory: disabled, not deleted"] = new(Change(UserState.Deleted), Linked(), Technician(), "Disable 7 [Ann Smith <ann@example.org> disabled]",
            Placement: Placement.InGroup),
        ["removed from the group: disabled"] = new(Change(UserState.OutOfScope), Linked(), Technician(), "Disable 7 [Ann Smith <ann@example.org> disabled]",
            Placement: Placement.InGroup),
        ["disabled user renamed: updated, stays disabled"] = new(Change(UserState.Disabled, name: "Ann Jones"), Linked(), Technician(enabled: false, mobile: false),
            "Update 7 [Ann Jones <ann@example.org> disabled]", Placement: Placement.InGroup),
        ["disabled technician still holding the add-on: released"] = new(Change(UserState.Deleted), Linked(), Technician(enabled: false),
            "Update 7 [Ann Smith <ann@example.org> disabled]", Placement: Placement.InGroup),
        ["disabled and already disabled: no change"] = new(Change(UserState.Disabled), Linked(), Technician(enabled: false, mobile: false), "NoChange 7"),

        // Rule 3: the same technician back, Enabled, with the mapping's add-on.
        ["enabled again: the same technician enabled"] = new(Change(), Linked(), Technician(enabled: false, mobile: false),
            "Enable 7 [Ann Smith <ann@example.org> enabled +mobile]", Placement: Placement.InGroup),
        ["back and renamed: enabled with the new name"] = new(Change(name: "Ann Jones"), Linked(), Technician(enabled: false, mobile: false),
            "Enable 7 [Ann Jones <ann@example.org> enabled +mobile]", Placement: Placement.InGroup),

        // Rule 4: moved to another group by a Rescue admin: status only, never moved back, its own fields kept.
        ["moved and renamed in the directory: no change"] = new(Change(name: "Ann Jones"), Linked(), Technician("Admin's Name"), "NoChange 7",
            Placement: Placement.Moved),
        ["moved and disabled: status only, add-on released"] = new(Change(UserState.Disabled, name: "Ann Jones"), Linked(), Technician("Admin's Name"),
            "StatusOnly 7 [Admin's Name <ann@example.org> disabled]", Placement: Placement.Moved),
        ["moved and enabled again: status only, add-on given back"] = new(Change(name: "Ann Jones"), Linked(), Technician("Admin's Name", enabled: false, mobile: false),
            "StatusOnly 7 [Admin's Name <ann@example.org> enabled +mobile]", Placement: Placement.Moved),
        ["moved, enabled, add-on taken by the admin: kept as the admin left it"] = new(Change(), Linked(), Technician(mobile: false), "NoChange 7",
            Placement: Placement.Moved),
        ["moved and deleted in the directory: disabled where it is"] = new(Change(UserState.Deleted), Linked(), Technician("Admin's Name", "admin@example.org"),
            "StatusOnly 7 [Admin's Name <admin@example.org> disabled]", Placement: Placement.Moved),
    };

    public static TheoryData<string> RuleNames() => [.. Rules.Keys];

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void Each_rule_plans_what_the_rules_say(string rule)
    {
        var c = Rules[rule];
        Assert.Equal(c.Expected, Describe(c.Decide()));
    }

    [Fact]
    public void Skips_carry_the_sync_log_line_and_the_previews_note()
    {
        var held = (Plan.Skip)ProvisioningDecision.Decide(Change(), TheMapping, null, Technician("Bob"), Placement.NotAsked, "bob");
        Assert.Equal((SyncLogLevel.Error, "link", Node), (held.Log!.Level, held.Log.Operation, held.Technician!.NodeId));
        Assert.Contains("Nothing was changed; correct the mail in the directory.", held.Log.Message);
        Assert.Contains("already linked to another directory user (bob)", held.Note);

        var gone = (Plan.Skip)ProvisioningDecision.Decide(Change(), TheMapping, Linked(), null, Placement.NotAsked);
        Assert.Equal((SyncLogLevel.Warning, "getUser_v3"), (gone.Log!.Level, gone.Log.Operation));
        Assert.EndsWith("nothing would be changed.", gone.Note);
    }

    private const string MissingNameOrEmail = "The directory user has no usable name or email (mail / userPrincipalName); Rescue requires both.";
    private static readonly SyncLogLine MissingNameOrEmailLine = new(SyncLogLevel.Error, "validate", MissingNameOrEmail, "MISSING_NAME_OR_EMAIL");
    private static readonly SyncLogLine TechnicianGoneLine = new(SyncLogLevel.Warning, "getUser_v3",
        "Technician node 7 linked to this user no longer exists in Rescue; nothing was changed.", "INVALIDPARAM_NODE");
    private static readonly SyncLogLine EmailHeldLine = new(SyncLogLevel.Error, "link",
        "Technician 7 has this user's email but is already linked to another directory user; two directory users share one email address. " +
        "Nothing was changed; correct the mail in the directory.", "EMAIL_LINKED_TO_OTHER_USER");

    /// <summary>Of the skipping rules above: the sync-log line each asks for, and the note a preview shows.</summary>
    private static readonly Dictionary<string, (SyncLogLine? Log, string? Note)> SkipLines = new()
    {
        ["mapping deleted: skipped"] = (null, null),
        ["mapping disabled: skipped"] = (null, null),
        ["no email: skipped and logged"] = (MissingNameOrEmailLine, MissingNameOrEmail),
        ["no name: skipped and logged"] = (MissingNameOrEmailLine, MissingNameOrEmail),
        ["technician with the email held by another user: skipped and logged"] = (EmailHeldLine,
            "Technician 7 has this user's email but is already linked to another directory user: two directory users share one email address. Nothing would be changed."),
        ["technician with the email held by another user, orphaned intent: skipped"] = (EmailHeldLine,
            "Technician 7 has this user's email but is already linked to another directory user (bob): two directory users share one email address. Nothing would be changed."),
        ["linked technician deleted in Rescue: skipped and logged"] = (TechnicianGoneLine,
            "Technician node 7 linked to this user no longer exists in Rescue; nothing would be changed."),
        ["linked technician deleted in Rescue, user disabled: nothing recreated"] = (TechnicianGoneLine,
            "Technician node 7 linked to this user no longer exists in Rescue; nothing would be changed."),
    };

    public static TheoryData<string> SkipNames() => [.. SkipLines.Keys];

    [Theory]
    [MemberData(nameof(SkipNames))]
    public void Each_skip_logs_its_line_to_the_sync_log_and_names_it_in_the_previews_note(string rule)
    {
        var skip = Assert.IsType<Plan.Skip>(Rules[rule].Decide());
        var (log, note) = SkipLines[rule];
        Assert.Equal(log, skip.Log);
        Assert.Equal(note, skip.Note);
    }

    /// <summary>
    /// Of the rules above that write a technician: the fields the directory does not hold (RPAT add-on, nick, SSO id,
    /// description), which the command writes back as the technician has them; a new technician gets none.
    /// </summary>
    [Theory]
    [InlineData("new enabled user: created", false, null)]
    [InlineData("orphaned createUser intent: the orphan is recovered first", false, null)]
    [InlineData("linked technician left empty by an interrupted create: completed", true, "nick")]
    [InlineData("technician with the email: linked and updated", true, "nick")]
    [InlineData("renamed in the directory: updated", true, "nick")]
    [InlineData("disabled in the directory: disabled", true, "nick")]
    [InlineData("enabled again: the same technician enabled", true, "nick")]
    [InlineData("moved and disabled: status only, add-on released", true, "nick")]
    public void A_command_keeps_the_technicians_own_fields_the_directory_does_not_hold(string rule, bool rpat, string? nick)
    {
        var command = CommandOf(Rules[rule].Decide())!;
        var sso = nick is null ? null : "sso";
        var description = nick is null ? null : "desc";
        Assert.Equal((rpat, nick, sso, description), (command.RpatAddon, command.Nick, command.SsoId, command.Description));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_command_for_a_technician_keeps_its_rpat_add_on_as_it_is(bool rpat)
    {
        var technician = Technician("Old Name") with { HasRpatAddon = rpat };

        Assert.Equal(rpat, ProvisioningDecision.ForChange(Node, Change(), TheMapping, technician).RpatAddon);
        Assert.Equal(rpat, ProvisioningDecision.StatusOnly(technician, enabled: false, mappingMobileAddon: true).RpatAddon);
    }

    [Fact]
    public void No_technician_reason_names_why_the_user_is_not_enabled()
    {
        var plan = (Plan.NoTechnician)ProvisioningDecision.Decide(Change(UserState.OutOfScope), TheMapping, null, null, Placement.NotAsked);
        Assert.Equal("The user has no technician and is not enabled (the user was removed from the mapped group, or moved out of its scope): " +
            "nothing to disable, no licence spent.", plan.Reason);
    }

    [Fact]
    public void The_group_is_asked_only_when_the_technician_would_get_more_than_it_has()
    {
        Assert.False(ProvisioningDecision.NeedsPlacement(Change(), TheMapping, null));
        Assert.False(ProvisioningDecision.NeedsPlacement(Change(), TheMapping, Technician(email: "")));
        Assert.False(ProvisioningDecision.NeedsPlacement(Change(), TheMapping, Technician()));
        Assert.True(ProvisioningDecision.NeedsPlacement(Change(name: "Ann Jones"), TheMapping, Technician()));
        Assert.True(ProvisioningDecision.NeedsPlacement(Change(UserState.Disabled), TheMapping, Technician()));
    }

    [Theory]
    [InlineData("mapping disabled", "")]
    [InlineData("no email", "")]
    [InlineData("stale", "link")]
    [InlineData("linked, applied", "link, technician 7")]
    [InlineData("linked, renamed", "link, technician 7, group of 7")]
    [InlineData("linked, gone", "link, technician 7")]
    [InlineData("unlinked, held by another user", "link, email")]
    [InlineData("unlinked, differs", "link, email, group of 7")]
    public async Task Facts_are_read_in_order_and_only_as_far_as_the_rules_need_them(string situation, string reads)
    {
        var (change, mapping, link, technician, heldBy) = situation switch
        {
            "mapping disabled" => (Change(), TheMapping with { Enabled = false }, Linked(), Technician(), (string?)null),
            "no email" => (Change(email: ""), TheMapping, Linked(), Technician(), null),
            "stale" => (Change(version: 5), TheMapping, Linked(version: 5), Technician(), null),
            "linked, applied" => (Change(), TheMapping, Linked(), Technician(), null),
            "linked, renamed" => (Change(name: "Ann Jones"), TheMapping, Linked(), Technician(), null),
            "linked, gone" => (Change(), TheMapping, Linked(), null, null),
            "unlinked, held by another user" => (Change(name: "Ann Jones"), TheMapping, null, Technician(), "bob"),
            _ => (Change(name: "Ann Jones"), TheMapping, (TechnicianLink?)null, Technician(), null),
        };
        var read = new List<string>();
        await ProvisioningDecision.DecideAsync(change, mapping,
            readLink: () =>
            {
                read.Add("link");
                return Task.FromResult(link);
            },
            getTechnician: node =>
            {
                read.Add($"technician {node}");
                return Task.FromResult(technician);
            },
            findByEmail: _ =>
            {
                read.Add("email");
                return Task.FromResult((technician, heldBy));
            },
            isInGroup: node =>
            {
                read.Add($"group of {node}");
                return Task.FromResult(true);
            });
        Assert.Equal(reads, string.Join(", ", read));
    }

    [Fact]
    public void A_plan_that_depends_on_the_technicians_group_is_refused_without_it()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ProvisioningDecision.Decide(Change(UserState.Disabled), TheMapping, Linked(), Technician(), Placement.NotAsked));
        Assert.Equal("placement", error.ParamName);
        Assert.StartsWith("The plan depends on whether the technician is still in the mapping's group; it was not asked.", error.Message);
    }

    [Theory]
    [InlineData("link", ProvisioningResult.Unchanged, "Linked")]
    [InlineData("link", ProvisioningResult.Updated, "Linked")]
    [InlineData("enable", ProvisioningResult.Updated, "Enabled")]
    [InlineData("disable", ProvisioningResult.Updated, "Disabled")]
    [InlineData("update-disabled-user", ProvisioningResult.Updated, "Disabled")]
    [InlineData("update", ProvisioningResult.Updated, "Updated")]
    [InlineData("update", ProvisioningResult.Stale, "Stale")]
    [InlineData("moved-disable", ProvisioningResult.Updated, "Disabled")]
    [InlineData("create", ProvisioningResult.Created, "Created")]
    [InlineData("create", ProvisioningResult.Failed, "Failed")]
    [InlineData("no-change", ProvisioningResult.Unchanged, "Unchanged")]
    [InlineData("no-technician", ProvisioningResult.Skipped, "Skipped")]
    [InlineData("no-technician", ProvisioningResult.Stale, "Stale")]
    [InlineData("skip", ProvisioningResult.Skipped, "Skipped")]
    [InlineData("stale", ProvisioningResult.Stale, "Stale")]
    public void The_operators_label_comes_from_the_plan_and_what_it_did(string plan, ProvisioningResult result, string label)
    {
        var decided = plan switch
        {
            "link" => ProvisioningDecision.Decide(Change(), TheMapping, null, Technician(), Placement.NotAsked),
            "enable" => ProvisioningDecision.Decide(Change(), TheMapping, Linked(), Technician(enabled: false), Placement.InGroup),
            "disable" => ProvisioningDecision.Decide(Change(UserState.Deleted), TheMapping, Linked(), Technician(), Placement.InGroup),
            "update-disabled-user" => ProvisioningDecision.Decide(Change(UserState.Disabled, name: "X"), TheMapping, Linked(), Technician(enabled: false), Placement.InGroup),
            "update" => ProvisioningDecision.Decide(Change(name: "X"), TheMapping, Linked(), Technician(), Placement.InGroup),
            "moved-disable" => ProvisioningDecision.Decide(Change(UserState.Disabled), TheMapping, Linked(), Technician(), Placement.Moved),
            "create" => ProvisioningDecision.Decide(Change(), TheMapping, null, null, Placement.NotAsked),
            "no-change" => ProvisioningDecision.Decide(Change(), TheMapping, Linked(), Technician(), Placement.NotAsked),
            "no-technician" => ProvisioningDecision.Decide(Change(UserState.Disabled), TheMapping, null, null, Placement.NotAsked),
            "skip" => ProvisioningDecision.Decide(Change(email: ""), TheMapping, null, null, Placement.NotAsked),
            _ => ProvisioningDecision.Decide(Change(version: 1), TheMapping, Linked(), null, Placement.NotAsked),
        };
        Assert.Equal(label, decided.Label(result));
    }

    // ---- The setUser_v2 commands ----

    private static readonly RescueTechnician Moved = new(42, "Admin's Name", "nick", "kept@example.org", "sso", "desc", "Technician",
        HasMobileAddon: true, HasRpatAddon: true, Status: "Offline", MustChangePassword: false);

    [Fact]
    public void Status_only_update_writes_the_technicians_own_fields_back_and_disabling_drops_the_mobile_add_on()
    {
        var command = ProvisioningDecision.StatusOnly(Moved, enabled: false, mappingMobileAddon: true);

        Assert.Equal(new SetUserCommand(42, "Admin's Name", "kept@example.org", false, false, true, "nick", "sso", "desc"), command);
    }

    [Fact]
    public void Status_only_update_of_an_enabled_technician_keeps_its_current_mobile_add_on()
    {
        Assert.True(ProvisioningDecision.StatusOnly(Moved, enabled: true, mappingMobileAddon: false).MobileAddon);
        Assert.False(ProvisioningDecision.StatusOnly(Moved with { HasMobileAddon = false }, enabled: true, mappingMobileAddon: true).MobileAddon);
    }

    [Fact]
    public void Re_enabling_a_disabled_technician_gives_back_the_mappings_mobile_add_on()
    {
        var disabled = Moved with { Status = "Disabled", HasMobileAddon = false };

        Assert.True(ProvisioningDecision.StatusOnly(disabled, enabled: true, mappingMobileAddon: true).MobileAddon);
        Assert.False(ProvisioningDecision.StatusOnly(disabled, enabled: true, mappingMobileAddon: false).MobileAddon);
    }

    [Fact]
    public void A_presence_status_counts_as_enabled_and_email_case_does_not_count_as_a_change()
    {
        var command = new SetUserCommand(42, "Admin's Name", "KEPT@example.org", true, true, true);

        Assert.True(ProvisioningDecision.IsApplied(Moved with { Status = "Online" }, command));
        Assert.False(ProvisioningDecision.IsApplied(Moved with { Status = "Disabled" }, command));
        Assert.False(ProvisioningDecision.IsApplied(Moved, command with { MobileAddon = false }));
        Assert.False(ProvisioningDecision.IsApplied(Moved, command with { Name = "Directory Name" }));
    }

    // ---- Invariants over random inputs ----

    private sealed record Input(UserChanged Change, Mapping? Mapping, TechnicianLink? Link, RescueTechnician? Technician, Placement Placement, string? HeldBy)
    {
        public Plan Decide() => ProvisioningDecision.Decide(Change, Mapping, Link, Technician, Placement, HeldBy);

        public bool Valid => Mapping is { Enabled: true } && !string.IsNullOrWhiteSpace(Change.Email) && !string.IsNullOrWhiteSpace(Change.DisplayName);
    }

    private static readonly string[] Names = ["Ann Smith", "Admin's Name", "", " "];
    private static readonly string[] Emails = ["ann@example.org", "ANN@example.org", "other@example.org", ""];

    /// <summary>
    /// Inputs as the executor gathers them: a linked user's technician is the linked node (or gone); an unlinked user's is the
    /// one with the email, maybe held by another user; the group is asked only when the plan depends on it.
    /// </summary>
    private static readonly Gen<Input> Inputs =
        Gen.Select(
            Gen.Select(Gen.Enum<UserState>(), Gen.Long[1, 6], Gen.Bool, Gen.OneOf(Names), Gen.OneOf(Emails),
                (state, version, force, name, email) => new UserChanged(TheMapping.Id, "ann", version, name, email, state, "uid=ann", DateTimeOffset.UnixEpoch,
                    Guid.Empty, force)),
            Gen.Int[0, 3].Select(m => m switch
            {
                0 => null,
                1 => TheMapping with { Enabled = false },
                2 => TheMapping with { MobileAddon = false },
                _ => TheMapping,
            }),
            Gen.Select(Gen.Int[0, 2], Gen.Long[1, 6], Gen.Bool, (kind, version, pending) => kind switch
            {
                0 => null,
                1 => new TechnicianLink("ann", TheMapping.Id, null, version, UserState.Enabled, DateTimeOffset.UnixEpoch, pending ? DateTimeOffset.UnixEpoch : null),
                _ => new TechnicianLink("ann", TheMapping.Id, Node, version, UserState.Enabled, DateTimeOffset.UnixEpoch),
            }),
            Gen.Select(Gen.Bool, Gen.OneOf(Names), Gen.OneOf(Emails), Gen.Bool, Gen.Bool, Gen.OneOf("Enabled", "Disabled", "Online"),
                (exists, name, email, mobile, rpat, status) => exists
                    ? new RescueTechnician(Node, name, "nick", email, "sso", "desc", "Technician", mobile, rpat, status, false)
                    : null),
            Gen.Bool,
            Gen.OneOf<string?>(null, ProvisioningDecision.AnotherUser, "bob"),
            (change, mapping, link, technician, moved, heldBy) =>
            {
                // An unlinked user's technician is found by its email (so it has one); only such a technician can be held by another user.
                if (link?.TechnicianNodeId is null && technician is not null)
                {
                    technician = technician with { Email = string.IsNullOrEmpty(technician.Email) ? change.Email : technician.Email };
                }

                heldBy = link?.TechnicianNodeId is null && technician is not null ? heldBy : null;
                var placement = mapping is not null && heldBy is null && ProvisioningDecision.NeedsPlacement(change, mapping, technician)
                    ? moved ? Placement.Moved : Placement.InGroup
                    : Placement.NotAsked;
                return new Input(change, mapping, link, technician, placement, heldBy);
            });

    private static SetUserCommand? CommandOf(Plan plan) => plan switch
    {
        Plan.Create c => c.Command,
        Plan.Link l => l.Command,
        Plan.Write w => w.Command,
        _ => null,
    };

    [Fact]
    public void Only_a_technician_linked_to_the_user_or_one_linked_by_this_plan_is_written_and_never_to_another_users()
    {
        Inputs.Sample(input =>
        {
            var plan = input.Decide();
            if (CommandOf(plan) is not { } command || plan is Plan.Create { NodeId: null })
            {
                return;
            }

            Assert.Equal(Node, command.NodeId);
            Assert.Null(input.HeldBy);
            // The technician written is the linked one, or the one with the user's email, linked by this very plan.
            Assert.True(input.Link?.TechnicianNodeId == Node || plan is Plan.Link || plan is Plan.Create,
                $"{plan.GetType().Name} writes technician {Node}, which is neither linked to the user nor linked by the plan.");
        }, iter: 20_000);
    }

    [Fact]
    public void A_stale_version_never_writes()
    {
        Inputs.Sample(input =>
        {
            var plan = input.Decide();
            // Older than applied never writes; the same version only when forced (an operator's resync repairs drift).
            static bool Stale(long applied, UserChanged change) => applied > change.Version || (applied == change.Version && !change.Force);
            if (input.Valid && input.Link is { } link && Stale(link.Version, input.Change))
            {
                Assert.IsType<Plan.Stale>(plan);
            }

            if (plan is Plan.Stale stale)
            {
                Assert.True(Stale(stale.AppliedVersion, input.Change));
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Nothing_is_deleted_or_moved_a_moved_technician_keeps_its_own_fields_and_a_user_not_enabled_spends_no_licence()
    {
        Inputs.Sample(input =>
        {
            var plan = input.Decide();
            // The closed set: no plan deletes or moves (a setUser_v2 command has no parent; there is no delete plan).
            Assert.True(plan is Plan.Skip or Plan.Stale or Plan.NoTechnician or Plan.Create or Plan.NoChange or Plan.Link
                or Plan.Update or Plan.Enable or Plan.Disable or Plan.StatusOnly, plan.GetType().Name);
            if (!input.Valid)
            {
                Assert.IsType<Plan.Skip>(plan);
            }

            if (CommandOf(plan) is not { } command)
            {
                return;
            }

            Assert.Null(command.Password);
            if (input.Placement == Placement.Moved)
            {
                var t = input.Technician!;
                Assert.Equal((t.Name, t.Email, t.Nick, t.SsoId, t.Description, t.HasRpatAddon),
                    (command.Name, command.Email, command.Nick, command.SsoId, command.Description, command.RpatAddon));
            }
            if (input.Change.State != UserState.Enabled)
            {
                Assert.False(command.Enabled || command.MobileAddon, "A user who is not enabled got an enabled technician or a mobile licence.");
                Assert.False(plan is Plan.Create { NodeId: null } or Plan.Enable);
            }
            else
            {
                Assert.True(command.Enabled);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void A_plan_changes_nothing_it_says_is_already_right()
    {
        Inputs.Sample(input =>
        {
            switch (input.Decide())
            {
                case Plan.NoChange same:
                    Assert.Equal(input.Technician, same.Technician);
                    break;
                case Plan.Write write:
                    Assert.False(ProvisioningDecision.IsApplied(write.Technician, write.Command));
                    break;
            }
        }, iter: 20_000);
    }

    private static string Describe(Plan plan) => plan switch
    {
        Plan.Skip s => $"Skip {s.Log?.Code ?? "-"} node {s.NodeId?.ToString() ?? "-"}: {s.Reason}",
        Plan.Stale s => $"Stale after {s.AppliedVersion}",
        Plan.NoTechnician n => $"NoTechnician recover={n.RecoverOrphan}",
        Plan.Create c => $"Create node {c.NodeId?.ToString() ?? "new"} recover={c.RecoverOrphan} {Describe(c.Command)}",
        Plan.NoChange n => $"NoChange {n.Technician.NodeId}",
        Plan.Link l => $"Link {l.Technician.NodeId} moved={l.Moved} {Describe(l.Command)}",
        Plan.Write w => $"{w.GetType().Name} {w.Technician.NodeId} {Describe(w.Command)}",
        _ => plan.GetType().Name,
    };

    private static string Describe(SetUserCommand c) =>
        $"[{c.Name} <{c.Email}> {(c.Enabled ? "enabled" : "disabled")}{(c.MobileAddon ? " +mobile" : "")}{(c.Password is null ? "" : " +password")}]";
}
