using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Config;

/// <summary>How the reader protects its connection to a directory server.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DirectoryTlsMode>))]
public enum DirectoryTlsMode
{
    /// <summary>Plain LDAP (ldap:// URLs): the bind password travels in clear. Only for a server on the same host or a lab.</summary>
    None = 0,

    /// <summary>ldap:// URLs upgraded with StartTLS before the bind; the server certificate is verified.</summary>
    StartTls = 1,

    /// <summary>ldaps:// URLs (TLS from the first byte); the server certificate is verified.</summary>
    Ldaps = 2,
}
