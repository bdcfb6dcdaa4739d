using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Operations;

/// <summary>Where a provision-on-demand request stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProvisionStatus>))]
public enum ProvisionStatus
{
    /// <summary>Asked for; the reader resolves the user at its next cycle.</summary>
    Pending = 0,

    /// <summary>The reader found the user and published its state (forced); the provisioner applies it.</summary>
    Published = 1,

    /// <summary>The provisioner applied it: see the outcome.</summary>
    Done = 2,

    /// <summary>It could not be done: see the error (unknown user, not a member of the mapping's group, a Rescue error).</summary>
    Failed = 3,
}

/// <summary>An operator's request to provision one user now (POST /api/provision-requests).</summary>
/// <param name="User">sAMAccountName / uid, mail, DN or the directory id (objectGUID / entryUUID) of the user.</param>
/// <param name="MappingId">The mapping whose directory and group apply; optional when only one mapping exists.</param>
public sealed record NewProvisionRequest(string? User, Guid? MappingId = null);

/// <summary>A provision-on-demand request (GET /api/provision-requests/{id}).</summary>
/// <param name="Id">The request.</param>
/// <param name="MappingId">The mapping.</param>
/// <param name="User">The user as the operator named it.</param>
/// <param name="Status">Pending, Published, Done or Failed.</param>
/// <param name="RequestedAt">When an operator asked for it.</param>
/// <param name="RequestedBy">The API key name of that operator.</param>
/// <param name="CompletedAt">When it was done or failed.</param>
/// <param name="DirectoryUserId">The directory id the reader resolved the user to.</param>
/// <param name="Outcome">What the provisioner did: Created, Linked (an existing technician with the email adopted), Updated, Enabled, Disabled, Unchanged, Skipped, Stale or Failed.</param>
/// <param name="TechnicianNodeId">The Rescue technician node linked to the user afterwards.</param>
/// <param name="Error">Why it failed.</param>
public sealed record ProvisionRequest(
    Guid Id,
    Guid MappingId,
    string User,
    ProvisionStatus Status,
    DateTimeOffset RequestedAt,
    string? RequestedBy,
    DateTimeOffset? CompletedAt,
    string? DirectoryUserId,
    string? Outcome,
    long? TechnicianNodeId,
    string? Error);

/// <summary>A pending request as the reader sees it with its mapping.</summary>
public sealed record PendingProvision(Guid Id, string User);

/// <summary>The reader published the user's state (POST /api/provision-requests/{id}/published).</summary>
public sealed record ProvisionPublished(string DirectoryUserId);

/// <summary>The reader or provisioner could not do it (POST /api/provision-requests/{id}/failed).</summary>
public sealed record ProvisionFailure(string Error);

/// <summary>The provisioner applied the state (POST /api/provision-requests/{id}/result).</summary>
public sealed record ProvisionOutcome(string Outcome, long? TechnicianNodeId, string? Error = null);
