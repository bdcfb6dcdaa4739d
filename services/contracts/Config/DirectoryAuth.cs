using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Config;

/// <summary>How the services authenticate to a directory server.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DirectoryAuth>))]
public enum DirectoryAuth
{
    /// <summary>A simple bind with the connection's bind DN and password (OpenLDAP, labs, or AD over TLS).</summary>
    Simple = 0,

    /// <summary>
    /// A SASL GSSAPI (Kerberos) bind as the connection's principal, with the keys of its keytab: no password is stored,
    /// and the session is signed and sealed, so a domain controller that requires LDAP signing accepts it on ldap://.
    /// </summary>
    Kerberos = 1,
}
