namespace RescueAdSync.AdReader.Ldap;

/// <summary>
/// The directory could not be read completely (missing group, refused bind, LDAP error). The message is written to
/// the sync log, so it must never carry a secret.
/// </summary>
public sealed class DirectoryReadException : Exception
{
    public DirectoryReadException(string message) : base(message) { }

    public DirectoryReadException(string message, Exception inner) : base(message, inner) { }
}
