namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>The JSON body of a 400 from the admin API.</summary>
public sealed record AdminError(string Code, string Message);
