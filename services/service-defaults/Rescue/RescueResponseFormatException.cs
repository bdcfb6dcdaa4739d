namespace RescueAdSync.ServiceDefaults.Rescue;

/// <summary>The body is not a Rescue answer at all (empty, HTML, truncated item). The message never quotes secrets.</summary>
public sealed class RescueResponseFormatException(string message) : FormatException(message);
