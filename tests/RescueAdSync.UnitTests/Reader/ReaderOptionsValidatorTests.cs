using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;

namespace RescueAdSync.UnitTests.Reader;

public sealed class ReaderOptionsValidatorTests
{
    private static readonly ReaderOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(Validator.Validate(null, new ReaderOptions()).Succeeded);
    }

    [Fact]
    public void A_missing_ca_bundle_is_refused_with_its_path()
    {
        var result = Validator.Validate(null, new ReaderOptions { Tls = new ReaderTlsOptions { CaBundlePath = "/nonexistent/ca.pem" } });

        Assert.True(result.Failed);
        Assert.Contains("/nonexistent/ca.pem", result.FailureMessage);
    }

    [Fact]
    public void Insecure_tls_with_a_ca_bundle_is_a_contradiction()
    {
        var bundle = Path.GetTempFileName();
        try
        {
            var result = Validator.Validate(null, new ReaderOptions { Tls = new ReaderTlsOptions { CaBundlePath = bundle, AllowInsecure = true } });

            Assert.Contains("contradict", result.FailureMessage);
        }
        finally
        {
            File.Delete(bundle);
        }
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
