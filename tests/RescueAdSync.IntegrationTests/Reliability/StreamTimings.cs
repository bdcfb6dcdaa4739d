namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// What a fault case measured: how long the fault lasted, how long the system took to converge after it, how long the quiet
/// period after convergence took (until Rescue saw no call for <see cref="DirectoryChangeStream.QuietPeriod"/>), the whole run.
/// </summary>
public sealed record StreamTimings(TimeSpan Fault, TimeSpan RecoveryAfterStream, TimeSpan Total, TimeSpan Quiet)
{
    public override string ToString() =>
        $"fault {Fault.TotalSeconds:0.0} s, converged {RecoveryAfterStream.TotalSeconds:0.0} s after the stream and fault, total {Total.TotalSeconds:0.0} s";
}
