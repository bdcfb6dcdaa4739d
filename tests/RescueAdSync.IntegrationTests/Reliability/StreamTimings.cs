namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>What a fault case measured: how long the fault lasted, how long the system took to converge after it, the whole run.</summary>
public sealed record StreamTimings(TimeSpan Fault, TimeSpan RecoveryAfterStream, TimeSpan Total)
{
    public override string ToString() =>
        $"fault {Fault.TotalSeconds:0.0} s, converged {RecoveryAfterStream.TotalSeconds:0.0} s after the stream and fault, total {Total.TotalSeconds:0.0} s";
}
