namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>One node of the organization tree. Mutated only under <see cref="EmulatorState"/>'s lock.</summary>
public sealed class EmulatorNode
{
    public required long Id { get; init; }
    public required long ParentId { get; set; }
    public required string Type { get; init; }
    public string Name { get; set; } = "";
    public string Nick { get; set; } = "";
    public string Email { get; set; } = "";
    public string SsoId { get; set; } = "";
    public string Description { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public bool MobileAddon { get; set; }
    public bool RpatAddon { get; set; }
    public bool MustChangePassword { get; set; }
    public bool IsAccountHolder { get; init; }
    public string? Password { get; set; }

    /// <summary>deleteNode keeps a tombstone so that later calls can answer USER_DELETED_OR_DISABLED.</summary>
    public bool Deleted { get; set; }

    /// <summary>"api" when made through createUser, "admin" when made by hand (admin API or seed).</summary>
    public string Origin { get; init; } = "api";
}
