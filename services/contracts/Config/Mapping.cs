namespace RescueAdSync.Contracts.Config;

/// <summary>A stored mapping: source directory group → destination Rescue Technician Group.</summary>
public sealed record Mapping(
    Guid Id,
    string SourceGroupDn,
    long TechnicianGroupId,
    bool MobileAddon,
    bool Enabled,
    DateTimeOffset UpdatedAt);
