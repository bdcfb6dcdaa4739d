using RescueAdSync.Contracts;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>A member of a mapped group as the directory shows it now.</summary>
/// <remarks>Name, email and DN are kept as one compact <see cref="UserText"/>, which the known record shares.</remarks>
public sealed record DirectoryUser
{
    /// <param name="id">objectGUID / entryUUID, lower-case hyphenated.</param>
    /// <param name="distinguishedName">For logs only.</param>
    /// <param name="displayName">Per the name rule.</param>
    /// <param name="email">Per the email rule.</param>
    /// <param name="state">Enabled or Disabled.</param>
    /// <param name="version">uSNChanged / version from entryCSN.</param>
    public DirectoryUser(string id, string distinguishedName, string displayName, string email, UserState state, long version)
        : this(id, new UserText(displayName, email, distinguishedName), state, version)
    {
    }

    public DirectoryUser(string id, UserText text, UserState state, long version)
    {
        Id = id;
        Text = text;
        State = state;
        Version = version;
    }

    /// <summary>objectGUID / entryUUID, lower-case hyphenated.</summary>
    public string Id { get; init; }

    /// <summary>Name, email and DN in one block.</summary>
    public UserText Text { get; init; }

    /// <summary>For logs only.</summary>
    public string DistinguishedName { get => Text.DistinguishedName; init => Text = Text.WithDistinguishedName(value); }

    /// <summary>Per the name rule.</summary>
    public string DisplayName { get => Text.DisplayName; init => Text = Text.WithDisplayName(value); }

    /// <summary>Per the email rule.</summary>
    public string Email { get => Text.Email; init => Text = Text.WithEmail(value); }

    /// <summary>Enabled or Disabled.</summary>
    public UserState State { get; init; }

    /// <summary>uSNChanged / version from entryCSN.</summary>
    public long Version { get; init; }

    /// <summary>sAMAccountName / uid when the entry has one; for the per-user history only.</summary>
    public string? Login { get; init; }
}
