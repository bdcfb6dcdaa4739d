namespace RescueAdSync.Provisioner.Rescue;

/// <summary>setUser_v2's fields. Null optional fields are not sent (Rescue keeps them); Password is sent as pwd and confpwd.</summary>
public sealed record SetUserCommand(
    long NodeId,
    string Name,
    string Email,
    bool Enabled,
    bool MobileAddon,
    bool RpatAddon,
    string? Nick = null,
    string? SsoId = null,
    string? Description = null,
    string? Password = null)
{
    // Records print every property; the password must never reach a log through ToString.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"NodeId = {NodeId}, Name = {Name}, Email = {Email}, Enabled = {Enabled}, MobileAddon = {MobileAddon}, ");
        builder.Append($"RpatAddon = {RpatAddon}, Nick = {Nick}, SsoId = {SsoId}, Description = {Description}, Password = {(Password is null ? "null" : "***")}");
        return true;
    }
}
