using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Data;

/// <summary>A mapping: source directory group → Rescue Technician Group.</summary>
public sealed class MappingRow
{
    public Guid Id { get; set; }

    public required string SourceGroupDn { get; set; }

    /// <summary>The DN trimmed and lower-cased: DNs compare case-insensitively, and a group is mapped at most once per directory.</summary>
    public required string SourceGroupDnKey { get; set; }

    public long TechnicianGroupId { get; set; }

    public bool MobileAddon { get; set; }

    public bool Enabled { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Mass-change guard, absolute threshold of disables per cycle.</summary>
    public int GuardMaxDisables { get; set; } = Contracts.Config.MassChangeGuardDefaults.MaxDisables;

    /// <summary>Mass-change guard, percentage of the enabled members per cycle.</summary>
    public int GuardMaxDisablePercent { get; set; } = Contracts.Config.MassChangeGuardDefaults.MaxDisablePercent;

    /// <summary>Bumped on every write; the ETag, and the concurrency token that makes If-Match atomic.</summary>
    public long Revision { get; set; }

    // Directories and mapping rules.

    /// <summary>The directory connection's name (lower case).</summary>
    public string Directory { get; set; } = DirectoryNames.Default;

    public bool Nested { get; set; }

    public string? NameAttribute { get; set; }

    public string? EmailAttribute { get; set; }

    /// <summary>Unique; lower first.</summary>
    public int Priority { get; set; }
}
