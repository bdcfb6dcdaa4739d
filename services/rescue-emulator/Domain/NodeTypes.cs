namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>The node types of a Rescue hierarchy that the emulator models (a subset of the documented list).</summary>
public static class NodeTypes
{
    public const string Root = "Root";
    public const string MasterAdministrators = "Masteradministrators";
    public const string Administrators = "Administrators";
    public const string Technicians = "Technicians";
    public const string TechnicianGroup = "TechnicianGroup";
    public const string MasterAdministrator = "Masteradministrator";
    public const string Technician = "Technician";

    public static bool IsUser(string type) => type is MasterAdministrator or Technician;
}
