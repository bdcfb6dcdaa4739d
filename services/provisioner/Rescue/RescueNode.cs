namespace RescueAdSync.Provisioner.Rescue;

/// <summary>One node of getHierarchy_v2.</summary>
public sealed record RescueNode(long NodeId, long ParentId, string Name, string Email, string Description, string Status, string Type);
