using Microsoft.Extensions.Configuration;
using RescueAdSync.AdReader;

namespace RescueAdSync.UnitTests.Reader;

public sealed class ReaderOptionsValidatorTests
{
    private static readonly ReaderOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(Validator.Validate(null, new ReaderOptions()).Succeeded);
    }

    [Theory]
    [InlineData("Reader:Tls:StartTls", "tlsMode")]
    [InlineData("Reader:Tls:CaBundlePath", "caBundlePem")]
    [InlineData("Reader:Tls:AllowInsecure", "allowInsecureTls")]
    [InlineData("Reader:NestedGroups", "nested")]
    [InlineData("Reader:OpenLdapDisabledAttribute", "disabledAttribute")]
    public void A_setting_that_moved_to_the_config_service_is_refused_with_its_new_home(string key, string newHome)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = "true" })
            .Build();

        var result = new MovedReaderSettings(configuration).Validate(null, new ReaderOptions());

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage);
        Assert.Contains(newHome, result.FailureMessage);
    }

    [Theory]
    [InlineData("default", null, "ad-reader")]
    [InlineData("branch-2", null, "ad-reader-branch-2")]
    [InlineData("branch-2", "custom", "custom")]
    public void The_lease_is_per_directory_connection_unless_named(string directory, string? leaseName, string expected)
    {
        var options = new ReaderOptions { Directory = directory };
        options.LeaderElection.LeaseName = leaseName;

        Assert.Equal(expected, options.EffectiveLeaseName());
    }

    [Fact]
    public void A_renew_interval_longer_than_half_the_lease_is_refused()
    {
        var options = new ReaderOptions();
        options.LeaderElection.LeaseDurationSeconds = 6;
        options.LeaderElection.RenewIntervalSeconds = 4;

        Assert.Contains("RenewIntervalSeconds", Validator.Validate(null, options).FailureMessage);
    }

    [Fact]
    public void A_lease_name_that_is_not_a_path_segment_is_refused()
    {
        var options = new ReaderOptions();
        options.LeaderElection.LeaseName = "ad/reader";

        Assert.Contains("LeaseName", Validator.Validate(null, options).FailureMessage);
    }
}
