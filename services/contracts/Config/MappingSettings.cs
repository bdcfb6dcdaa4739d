namespace RescueAdSync.Contracts.Config;

/// <summary>A mapping as submitted by an administrator (POST /api/mappings, PUT /api/mappings/{id}).</summary>
/// <param name="SourceGroupDn">The source directory group's DN.</param>
/// <param name="TechnicianGroupId">The destination Rescue Technician Group node id.</param>
/// <param name="MobileAddon">Whether technicians of this mapping get the mobile add-on while enabled.</param>
/// <param name="Enabled">Disabled mappings are not read and not provisioned.</param>
/// <param name="GuardMaxDisables">Mass-change guard, absolute: at most this many disables per cycle (0 to 1,000,000; default 50).</param>
/// <param name="GuardMaxDisablePercent">Mass-change guard, relative: at most this percentage of the enabled members per cycle (1 to 100; default 20; 100 turns the rule off).</param>
public sealed record MappingSettings(
    string SourceGroupDn,
    long TechnicianGroupId,
    bool MobileAddon = false,
    bool Enabled = true,
    int GuardMaxDisables = MassChangeGuardDefaults.MaxDisables,
    int GuardMaxDisablePercent = MassChangeGuardDefaults.MaxDisablePercent);
