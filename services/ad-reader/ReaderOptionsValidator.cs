using Microsoft.Extensions.Options;

namespace RescueAdSync.AdReader;

/// <summary>Rules across <see cref="ReaderOptions"/> fields that attributes cannot express, with messages an operator can act on.</summary>
public sealed class ReaderOptionsValidator : IValidateOptions<ReaderOptions>
{
    public ValidateOptionsResult Validate(string? name, ReaderOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBackoffSeconds < options.StartupPollIntervalSeconds)
        {
            failures.Add("Reader:MaxBackoffSeconds must not be shorter than Reader:StartupPollIntervalSeconds.");
        }
        var election = options.LeaderElection;
        if (election.RenewIntervalSeconds * 2 > election.LeaseDurationSeconds)
        {
            failures.Add("Reader:LeaderElection:RenewIntervalSeconds must be at most half of LeaseDurationSeconds, so one failed renewal does not end the leadership.");
        }
        // Nested objects are not covered by ValidateDataAnnotations.
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(election, new(election), results, validateAllProperties: true);
        failures.AddRange(results.Select(r => r.ErrorMessage ?? "Reader:LeaderElection is invalid."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
