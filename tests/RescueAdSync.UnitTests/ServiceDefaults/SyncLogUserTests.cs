using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.ServiceDefaults;

/// <summary>A name the config service would refuse must not cost the sync-log entry that carries it.</summary>
public sealed class SyncLogUserTests
{
    private static readonly NewSyncLogEntry Entry = new(SyncLogLevel.Error, "provisioner", "setUser_v2", "refused", DirectoryUserId: "u-1");

    [Fact]
    public void Control_characters_become_question_marks_and_values_are_cut_to_the_columns()
    {
        var fitted = SyncLogUser.Fit(Entry with { DisplayName = " Bob\nBrown\u0000 ", Email = new string('e', 400) + "@example.org" });

        Assert.Equal("Bob?Brown?", fitted.DisplayName);
        Assert.Equal(new string('e', SyncLogUser.MaxEmail), fitted.Email);
        Assert.Equal(Entry with { DisplayName = fitted.DisplayName, Email = fitted.Email }, fitted);
    }

    [Fact]
    public void Blank_name_and_email_become_none()
    {
        var fitted = SyncLogUser.Fit(Entry with { DisplayName = "  ", Email = "" });

        Assert.Equal((null, null), (fitted.DisplayName, fitted.Email));
    }

    [Fact]
    public void A_usable_name_and_email_are_kept_as_they_are()
    {
        var fitted = SyncLogUser.Fit(Entry with { DisplayName = "Zoë Ångström", Email = "zoe@example.org" });

        Assert.Equal(("Zoë Ångström", "zoe@example.org"), (fitted.DisplayName, fitted.Email));
    }
}
