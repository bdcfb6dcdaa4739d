using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts;

namespace RescueAdSync.AdReader.Sync;

/// <summary>The last state the reader published for one user of one mapping.</summary>
/// <remarks>
/// Compact: name, email and DN live in one UTF-8 <see cref="UserText"/> (shared with the member it was read as), so
/// that 100,000 known users cost ~20 MB instead of ~45 MB. The name and email are kept, not only a hash of them: a
/// user who leaves or is deleted is published with the last name and email (the provisioner needs both, and a deleted
/// entry can no longer be read).
/// </remarks>
public sealed record KnownUser
{
    /// <param name="id">objectGUID / entryUUID.</param>
    /// <param name="distinguishedName">Last seen DN (logs only).</param>
    /// <param name="displayName">Last published name.</param>
    /// <param name="email">Last published email.</param>
    /// <param name="state">Last published state.</param>
    /// <param name="version">Version of the last published message; the next one for this user must be higher.</param>
    public KnownUser(string id, string distinguishedName, string displayName, string email, UserState state, long version)
        : this(id, new UserText(displayName, email, distinguishedName), state, version)
    {
    }

    public KnownUser(string id, UserText text, UserState state, long version)
    {
        Id = id;
        Text = text;
        State = state;
        Version = version;
    }

    /// <summary>objectGUID / entryUUID.</summary>
    public string Id { get; init; }

    /// <summary>Name, email and DN in one block.</summary>
    public UserText Text { get; init; }

    /// <summary>Last seen DN (logs only).</summary>
    public string DistinguishedName { get => Text.DistinguishedName; init => Text = Text.WithDistinguishedName(value); }

    /// <summary>Last published name.</summary>
    public string DisplayName { get => Text.DisplayName; init => Text = Text.WithDisplayName(value); }

    /// <summary>Last published email.</summary>
    public string Email { get => Text.Email; init => Text = Text.WithEmail(value); }

    /// <summary>Last published state.</summary>
    public UserState State { get; init; }

    /// <summary>Version of the last published message; the next one for this user must be higher.</summary>
    public long Version { get; init; }

    /// <summary>
    /// sAMAccountName / uid as last read, for the per-user history only. Not stored with the reader's state: after a
    /// restart it is null until the user is read again (a user who leaves meanwhile is published without it).
    /// </summary>
    public string? Login { get; init; }

    /// <summary>Still a member as far as the reader knows, so leaving the group must be published.</summary>
    public bool InScope => State is UserState.Enabled or UserState.Disabled;

    /// <summary>The message that publishes this state.</summary>
    public UserChanged ToMessage(Guid mappingId, DateTimeOffset observedAt, Guid correlationId, bool force = false) =>
        new(mappingId, Id, Version, DisplayName, Email, State, DistinguishedName, observedAt, correlationId, force, Login: Login);
}
