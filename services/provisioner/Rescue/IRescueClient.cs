namespace RescueAdSync.Provisioner.Rescue;

/// <summary>
/// The Rescue API as the provisioner uses it. Every failure is a <see cref="RescueApiException"/> whose
/// <see cref="RescueApiException.Kind"/> says whether to retry; nothing is retried in here (redelivery does it).
/// </summary>
public interface IRescueClient
{
    /// <summary>getUser_v3 by email; null when no such technician.</summary>
    Task<RescueTechnician?> FindByEmailAsync(string email, CancellationToken ct);

    /// <summary>getUser_v3 by node; null when the node does not exist.</summary>
    Task<RescueTechnician?> GetAsync(long nodeId, CancellationToken ct);

    /// <summary>createUser: an empty technician under the group. Never retried here: it is not idempotent.</summary>
    Task<long> CreateUserAsync(long parentGroupId, CancellationToken ct);

    /// <summary>setUser_v2 with every required field.</summary>
    Task SetUserAsync(SetUserCommand command, CancellationToken ct);

    Task<IReadOnlyList<RescueNode>> GetHierarchyAsync(CancellationToken ct);

    /// <summary>getHierarchy_v2 below one node (the node itself first): a group's members without reading the whole organization.</summary>
    Task<IReadOnlyList<RescueNode>> GetHierarchyAsync(long node, CancellationToken ct);

    Task<RescueAccountInfo> GetAccountAsync(CancellationToken ct);
}
