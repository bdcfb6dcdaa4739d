namespace RescueAdSync.Contracts.Config;

/// <summary>
/// One applied (or deliberately not applied) change to one directory user, as the provisioner records it: carried by the
/// link write that applies it (<see cref="TechnicianLink.History"/>), or sent alone (POST /api/history/batch) when the
/// outcome writes no link.
/// </summary>
/// <param name="Action">What was done.</param>
/// <param name="MappingId">The mapping the change came through.</param>
/// <param name="DirectoryUserId">The directory's immutable id (objectGUID / entryUUID).</param>
/// <param name="DisplayName">The user's name as the directory had it in this change (after the mapping's rules).</param>
/// <param name="Email">The user's email as the directory had it in this change.</param>
/// <param name="Login">sAMAccountName / uid, when the message carried it.</param>
/// <param name="DistinguishedName">The user's DN when observed.</param>
/// <param name="TechnicianNodeId">The Rescue technician concerned, if any.</param>
/// <param name="Version">The directory version of the change.</param>
/// <param name="State">The directory state of the change.</param>
/// <param name="Reason">Why, in the operator's words: the cause of a disable, a skip or a stale drop.</param>
/// <param name="NameBefore">The technician's name before, when this change replaced it.</param>
/// <param name="EmailBefore">The technician's email before, when this change replaced it.</param>
/// <param name="TraceId">The trace the provisioner handled the message in, if one was active.</param>
/// <param name="CorrelationId">The message's correlation id.</param>
public sealed record NewHistoryEntry(
    HistoryAction Action,
    Guid MappingId,
    string DirectoryUserId,
    string DisplayName,
    string Email,
    string? Login,
    string? DistinguishedName,
    long? TechnicianNodeId,
    long Version,
    UserState State,
    string? Reason = null,
    string? NameBefore = null,
    string? EmailBefore = null,
    string? TraceId = null,
    Guid? CorrelationId = null);
