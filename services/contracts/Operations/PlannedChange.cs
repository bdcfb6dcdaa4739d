using RescueAdSync.Contracts;

namespace RescueAdSync.Contracts.Operations;

/// <summary>One user's change in a held plan.</summary>
/// <param name="DirectoryUserId">The directory's immutable id.</param>
/// <param name="DistinguishedName">The user's last known DN (for people, never an identity).</param>
/// <param name="DisplayName">The technician name.</param>
/// <param name="Email">The technician email.</param>
/// <param name="State">The state the cycle would publish.</param>
/// <param name="PreviousState">The state last published for this user; null for a user seen for the first time.</param>
public sealed record PlannedChange(
    string DirectoryUserId,
    string DistinguishedName,
    string DisplayName,
    string Email,
    UserState State,
    UserState? PreviousState);
