using System.DirectoryServices.Protocols;
using System.Net;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>Changes a real directory as its administrator would, over plain LDAP.</summary>
public sealed class LdapAdmin : IDisposable
{
    private readonly LdapConnection _connection;

    public LdapAdmin(string url, string bindName, string password)
    {
        var uri = new Uri(url);
        _connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 389 : uri.Port))
        {
            AuthType = AuthType.Basic,
            Credential = new NetworkCredential(bindName, password),
            Timeout = TimeSpan.FromSeconds(30),
        };
        _connection.SessionOptions.ProtocolVersion = 3;
        _connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        _connection.Bind();
    }

    public void Add(string dn, params (string Name, string[] Values)[] attributes)
    {
        var request = new AddRequest(dn);
        foreach (var (name, values) in attributes)
        {
            request.Attributes.Add(new DirectoryAttribute(name, values.Cast<object>().ToArray()));
        }
        _connection.SendRequest(request);
    }

    public void Replace(string dn, string attribute, params string[] values) => Modify(dn, DirectoryAttributeOperation.Replace, attribute, values);

    public void AddValue(string dn, string attribute, string value) => Modify(dn, DirectoryAttributeOperation.Add, attribute, value);

    public void RemoveValue(string dn, string attribute, string value) => Modify(dn, DirectoryAttributeOperation.Delete, attribute, value);

    public void Delete(string dn) => _connection.SendRequest(new DeleteRequest(dn));

    /// <summary>Moves an entry under another parent, keeping its RDN (and its objectGUID / entryUUID).</summary>
    public void Move(string dn, string newParentDn) =>
        _connection.SendRequest(new ModifyDNRequest(dn, newParentDn, dn.Split(',')[0]) { DeleteOldRdn = true });

    /// <summary>The first value of an attribute of one entry (uSNChanged, entryCSN, entryUUID).</summary>
    public string Read(string dn, string attribute)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, attribute));
        return (string)response.Entries[0].Attributes[attribute].GetValues(typeof(string))[0];
    }

    /// <summary>objectGUID of one entry, formatted as the reader formats it.</summary>
    public string ReadObjectGuid(string dn)
    {
        var response = (SearchResponse)_connection.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, "objectGUID"));
        return new Guid((byte[])response.Entries[0].Attributes["objectGUID"].GetValues(typeof(byte[]))[0]).ToString("D");
    }

    private void Modify(string dn, DirectoryAttributeOperation operation, string attribute, params string[] values)
    {
        var modification = new DirectoryAttributeModification { Name = attribute, Operation = operation };
        foreach (var value in values)
        {
            modification.Add(value);
        }
        _connection.SendRequest(new ModifyRequest(dn, modification));
    }

    public void Dispose() => _connection.Dispose();
}
