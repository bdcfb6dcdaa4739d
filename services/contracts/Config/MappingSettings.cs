namespace RescueAdSync.Contracts.Config;

/// <summary>A mapping as submitted by an administrator (POST /api/mappings, PUT /api/mappings/{id}).</summary>
/// <param name="SourceGroupDn">The source directory group's DN; or null/empty when <paramref name="SourceGroupName"/> is given.</param>
/// <param name="TechnicianGroupId">The destination Rescue Technician Group node id.</param>
/// <param name="MobileAddon">Whether technicians of this mapping get the mobile add-on while enabled.</param>
/// <param name="Enabled">Disabled mappings are not read and not provisioned.</param>
/// <param name="SourceGroupName">
/// The source group's name (cn, or sAMAccountName on Active Directory), resolved to a DN against the mapping's directory
/// when submitted; only the DN is stored. Give either this or <paramref name="SourceGroupDn"/>.
/// </param>
/// <param name="Directory">The directory connection the group lives in (default "default").</param>
/// <param name="Nested">Also members of groups nested in the source group (AD in-chain rule, OpenLDAP flattening).</param>
/// <param name="NameAttribute">The attribute giving the technician's name; null: displayName, else givenName + sn, else cn.</param>
/// <param name="EmailAttribute">The attribute giving the technician's email; null: mail, else userPrincipalName.</param>
/// <param name="Priority">
/// Unique; lower first. A user in the groups of several mappings is handled by the first one by priority only.
/// Null: after every existing mapping (highest priority number + 10).
/// </param>
/// <param name="GuardMaxDisables">Mass-change guard, absolute: at most this many disables per cycle (0 to 1,000,000; default 50).</param>
/// <param name="GuardMaxDisablePercent">Mass-change guard, relative: at most this percentage of the enabled members per cycle (1 to 100; default 20; 100 turns the rule off).</param>
public sealed record MappingSettings(
    string? SourceGroupDn,
    long TechnicianGroupId,
    bool MobileAddon = false,
    bool Enabled = true,
    string? SourceGroupName = null,
    string? Directory = null,
    bool Nested = false,
    string? NameAttribute = null,
    string? EmailAttribute = null,
    int? Priority = null,
    int GuardMaxDisables = MassChangeGuardDefaults.MaxDisables,
    int GuardMaxDisablePercent = MassChangeGuardDefaults.MaxDisablePercent);
