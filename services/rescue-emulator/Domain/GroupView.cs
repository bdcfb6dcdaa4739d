namespace RescueAdSync.RescueEmulator.Domain;

public sealed record GroupView(long NodeId, long ParentId, string Name, string Description, bool IsEnabled);
