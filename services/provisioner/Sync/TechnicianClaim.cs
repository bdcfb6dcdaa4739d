using RescueAdSync.Provisioner.Rescue;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// What <see cref="TechnicianClaimer"/> found for a user without a technician: either the technician now linked to the
/// user (<see cref="Technician"/> null when it is empty, fresh from createUser), or <see cref="Done"/>: nothing more to do,
/// and <see cref="Reason"/> why, for the user's history (null when the claimer recorded it already).
/// </summary>
public sealed record TechnicianClaim(long NodeId, RescueTechnician? Technician, ProvisioningResult? Done, string? Reason = null)
{
    public static TechnicianClaim Linked(long nodeId, RescueTechnician? technician) => new(nodeId, technician, null);

    public static TechnicianClaim Finished(ProvisioningResult result, string? reason) => new(0, null, result, reason);
}
