using RescueAdSync.Provisioner.Rescue;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// What <see cref="TechnicianClaimer"/> found for a user without a technician: either the technician now linked to the
/// user (<see cref="Technician"/> null when it is empty, fresh from createUser), or <see cref="Done"/>: nothing more to do.
/// </summary>
public sealed record TechnicianClaim(long NodeId, RescueTechnician? Technician, ProvisioningResult? Done)
{
    public static TechnicianClaim Linked(long nodeId, RescueTechnician? technician) => new(nodeId, technician, null);

    public static TechnicianClaim Finished(ProvisioningResult result) => new(0, null, result);
}
