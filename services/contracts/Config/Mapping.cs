namespace RescueAdSync.Contracts.Config;

/// <summary>A stored mapping: source directory group → destination Rescue Technician Group.</summary>
/// <param name="Id">The mapping's id.</param>
/// <param name="SourceGroupDn">The source directory group's DN.</param>
/// <param name="TechnicianGroupId">The destination Rescue Technician Group node id.</param>
/// <param name="MobileAddon">Whether technicians of this mapping get the mobile add-on while enabled.</param>
/// <param name="Enabled">Disabled mappings are not read and not provisioned.</param>
/// <param name="UpdatedAt">When the mapping was last changed.</param>
/// <param name="GuardMaxDisables">Mass-change guard: a cycle that would disable more technicians than this is held for an operator.</param>
/// <param name="GuardMaxDisablePercent">Mass-change guard: a cycle that would disable more than this percentage of the mapping's enabled members (and at least <see cref="MassChangeGuardDefaults.PercentRuleMinimum"/> of them) is held.</param>
/// <param name="OpenPlanId">The mapping's open plan held by the mass-change guard, if any (read-only; set by the config service).</param>
/// <param name="OpenPlanStatus">Held (the mapping is skipped) or Approved (the next cycle bypasses the guard once); null when no plan is open.</param>
/// <param name="ResyncRequestId">A full resync an operator asked for and the reader has not done yet (read-only; set by the config service).</param>
public sealed record Mapping(
    Guid Id,
    string SourceGroupDn,
    long TechnicianGroupId,
    bool MobileAddon,
    bool Enabled,
    DateTimeOffset UpdatedAt,
    int GuardMaxDisables = MassChangeGuardDefaults.MaxDisables,
    int GuardMaxDisablePercent = MassChangeGuardDefaults.MaxDisablePercent,
    Guid? OpenPlanId = null,
    Operations.HeldPlanStatus? OpenPlanStatus = null,
    Guid? ResyncRequestId = null);
