namespace RescueAdSync.RescueEmulator.Apis.Models;

/// <summary>A Rescue admin moves the technician to another Technician Group.</summary>
public sealed record MoveTechnicianRequest(long GroupId);
