namespace RescueAdSync.Contracts.Config;

/// <summary>A stored mapping: source directory group → destination Rescue Technician Group.</summary>
/// <param name="Id">The mapping's id.</param>
/// <param name="SourceGroupDn">The source group's DN (a name given on submit is stored resolved).</param>
/// <param name="TechnicianGroupId">The destination Rescue Technician Group node id.</param>
/// <param name="MobileAddon">Whether technicians of this mapping get the mobile add-on while enabled.</param>
/// <param name="Enabled">Disabled mappings are not read and not provisioned.</param>
/// <param name="UpdatedAt">When the mapping was last written.</param>
/// <param name="Directory">The directory connection the group lives in.</param>
/// <param name="Nested">Members of nested groups count too.</param>
/// <param name="NameAttribute">The attribute giving the name; null: the kind's default rule.</param>
/// <param name="EmailAttribute">The attribute giving the email; null: the kind's default rule.</param>
/// <param name="Priority">Lower first: a user in several mapped groups is handled by the first mapping only.</param>
/// <param name="GuardMaxDisables">Mass-change guard: a cycle that would disable more technicians than this is held for an operator.</param>
/// <param name="GuardMaxDisablePercent">Mass-change guard: a cycle that would disable more than this percentage of the mapping's enabled members (and at least <see cref="MassChangeGuardDefaults.PercentRuleMinimum"/> of them) is held.</param>
/// <param name="OpenPlanId">The mapping's open plan held by the mass-change guard, if any (read-only; set by the config service).</param>
/// <param name="OpenPlanStatus">Held (the mapping is skipped) or Approved (the next cycle bypasses the guard once); null when no plan is open.</param>
/// <param name="ResyncRequestId">A full resync an operator asked for and the reader has not done yet (read-only; set by the config service).</param>
/// <param name="ProvisionRequests">Provision-on-demand requests the reader has not resolved yet (read-only; set by the config service).</param>
public sealed record Mapping(
    Guid Id,
    string SourceGroupDn,
    long TechnicianGroupId,
    bool MobileAddon,
    bool Enabled,
    DateTimeOffset UpdatedAt,
    string Directory = DirectoryNames.Default,
    bool Nested = false,
    string? NameAttribute = null,
    string? EmailAttribute = null,
    int Priority = 0,
    int GuardMaxDisables = MassChangeGuardDefaults.MaxDisables,
    int GuardMaxDisablePercent = MassChangeGuardDefaults.MaxDisablePercent,
    Guid? OpenPlanId = null,
    Operations.HeldPlanStatus? OpenPlanStatus = null,
    Guid? ResyncRequestId = null,
    IReadOnlyList<Operations.PendingProvision>? ProvisionRequests = null);
