namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>One Rescue API call as the emulator's call log shows it (authcode and passwords masked).</summary>
public sealed record EmulatedCall(long Sequence, DateTimeOffset Time, string Method, string HttpMethod, IReadOnlyDictionary<string, string> Parameters, string Result, int HttpStatus);
