namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>One call received on /API: secrets (authcode, passwords) are masked before it is stored.</summary>
public sealed record ApiCall(long Sequence, DateTimeOffset Time, string Method, string HttpMethod, IReadOnlyDictionary<string, string> Parameters, string Result, int HttpStatus);
