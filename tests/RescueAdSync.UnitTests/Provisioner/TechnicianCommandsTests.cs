using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;

namespace RescueAdSync.UnitTests.Provisioner;

public sealed class TechnicianCommandsTests
{
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
}
