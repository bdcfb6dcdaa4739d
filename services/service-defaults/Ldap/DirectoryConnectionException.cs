namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>A directory connection that cannot be opened as configured (bad URL, no bind identity, TLS check not settable).</summary>
public sealed class DirectoryConnectionException(string message) : Exception(message);
