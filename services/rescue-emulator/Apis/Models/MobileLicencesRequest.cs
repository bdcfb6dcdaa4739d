namespace RescueAdSync.RescueEmulator.Apis.Models;

/// <summary>The organization's number of mobile licences.</summary>
public sealed record MobileLicencesRequest(int Count);
