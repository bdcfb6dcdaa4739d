using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Config;

/// <summary>Which directory server family a connection talks to; it decides ids, versions and status attributes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DirectoryKind>))]
public enum DirectoryKind
{
    /// <summary>Microsoft Active Directory or Samba AD: objectGUID, uSNChanged, userAccountControl.</summary>
    ActiveDirectory = 0,

    /// <summary>OpenLDAP: entryUUID, entryCSN, memberOf overlay.</summary>
    OpenLdap = 1,
}
