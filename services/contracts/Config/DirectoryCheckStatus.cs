using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Config;

/// <summary>The outcome of one directory preflight check.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DirectoryCheckStatus>))]
public enum DirectoryCheckStatus
{
    /// <summary>As it should be.</summary>
    Pass = 0,

    /// <summary>Works, but weaker or slower than it could be (plain LDAP to another host, a server down among several).</summary>
    Warn = 1,

    /// <summary>The reader cannot work this way until it is fixed.</summary>
    Fail = 2,
}
