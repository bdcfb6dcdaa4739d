namespace RescueAdSync.Contracts.Config;

/// <summary>A mapping as submitted by an administrator (POST /api/mappings, PUT /api/mappings/{id}).</summary>
/// <param name="SourceGroupDn">The source directory group's DN.</param>
/// <param name="TechnicianGroupId">The destination Rescue Technician Group node id.</param>
/// <param name="MobileAddon">Whether technicians of this mapping get the mobile add-on while enabled.</param>
/// <param name="Enabled">Disabled mappings are not read and not provisioned.</param>
public sealed record MappingSettings(
    string SourceGroupDn,
    long TechnicianGroupId,
    bool MobileAddon = false,
    bool Enabled = true);
