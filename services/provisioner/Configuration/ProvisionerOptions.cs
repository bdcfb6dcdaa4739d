using System.ComponentModel.DataAnnotations;

namespace RescueAdSync.Provisioner.Configuration;

/// <summary>Provisioner-local settings (section "Provisioner").</summary>
public sealed class ProvisionerOptions
{
    public const string Section = "Provisioner";

    /// <summary>How long mappings and Rescue credentials are reused before asking the config service again.</summary>
    [Range(1, 3600)] public int ConfigRefreshSeconds { get; set; } = 5;

    /// <summary>Messages processed at once by one instance.</summary>
    [Range(1, 256)] public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>How long a Technician Group's member list (getHierarchy_v2) is reused to tell moved technicians apart.</summary>
    [Range(0, 3600)] public int HierarchyCacheSeconds { get; set; } = 5;

    /// <summary>While Rescue refuses the token, how often the config service is asked whether it was replaced.</summary>
    [Range(1, 3600)] public int AuthRecheckSeconds { get; set; } = 5;
}
