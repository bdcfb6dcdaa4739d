using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>Opens a bound <see cref="IDirectorySession"/>, trying the connection's server URLs in order.</summary>
public interface IDirectoryConnector
{
    /// <exception cref="DirectoryReadException">No server accepted the bind.</exception>
    IDirectorySession Connect(DirectoryConnectionSettings settings);
}
