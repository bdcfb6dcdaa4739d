using System.DirectoryServices.Protocols;
using System.Net;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>Changes a real directory as its administrator would, over plain LDAP.</summary>
public sealed class LdapAdmin : IDisposable
{
    /// <summary>libldap's LDAP_SERVER_DOWN: the request never reached the server, so sending it again is safe.</summary>
    private const int ServerDown = 81;

    private readonly string _url;
    private readonly string _bindName;
    private readonly string _password;
    private LdapConnection _connection;

    public LdapAdmin(string url, string bindName, string password)
    {
        (_url, _bindName, _password) = (url, bindName, password);
        _connection = Connect();
    }

    /// <summary>
    /// Seen now and then on this busy machine: libldap reports the server down although the request was carried out.
    /// The tests are about the reader, not about this admin connection, so it reconnects and sends the request again,
    /// and a retried write that finds its own effect already there counts as done.
    /// </summary>
    private DirectoryResponse? Send(DirectoryRequest request)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return _connection.SendRequest(request);
            }
            catch (LdapException ex) when (ex.ErrorCode == ServerDown && attempt < 3)
            {
                _connection.Dispose();
                Thread.Sleep(200);
                _connection = Connect();
            }
            catch (DirectoryOperationException ex) when (attempt > 1 && ex.Response?.ResultCode is ResultCode.EntryAlreadyExists
                or ResultCode.AttributeOrValueExists or ResultCode.NoSuchAttribute or ResultCode.NoSuchObject && request is not SearchRequest)
            {
                return null;
            }
        }
    }

    private LdapConnection Connect()
    {
        var uri = new Uri(_url);
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 389 : uri.Port))
        {
            AuthType = AuthType.Basic,
            Credential = new NetworkCredential(_bindName, _password),
            Timeout = TimeSpan.FromSeconds(30),
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        connection.Bind();
        return connection;
    }

    public void Add(string dn, params (string Name, string[] Values)[] attributes)
    {
        var request = new AddRequest(dn);
        foreach (var (name, values) in attributes)
        {
            request.Attributes.Add(new DirectoryAttribute(name, values.Cast<object>().ToArray()));
        }
        Send(request);
    }

    public void Replace(string dn, string attribute, params string[] values) => Modify(dn, DirectoryAttributeOperation.Replace, attribute, values);

    public void AddValue(string dn, string attribute, string value) => Modify(dn, DirectoryAttributeOperation.Add, attribute, value);

    /// <summary>Adds several values to an attribute in one modify request.</summary>
    public void AddValues(string dn, string attribute, params string[] values) => Modify(dn, DirectoryAttributeOperation.Add, attribute, values);

    public void RemoveValue(string dn, string attribute, string value) => Modify(dn, DirectoryAttributeOperation.Delete, attribute, value);

    public void Delete(string dn) => Send(new DeleteRequest(dn));

    /// <summary>Moves an entry under another parent, keeping its RDN (and its objectGUID / entryUUID).</summary>
    public void Move(string dn, string newParentDn) =>
        Send(new ModifyDNRequest(dn, newParentDn, dn.Split(',')[0]) { DeleteOldRdn = true });

    /// <summary>Renames an entry in place (modrdn), e.g. CN=frank to CN=franklin; the directory keeps its immutable id.</summary>
    public void Rename(string dn, string newRdn) =>
        Send(new ModifyDNRequest(dn, dn[(dn.IndexOf(',') + 1)..], newRdn) { DeleteOldRdn = true });

    /// <summary>The first value of an attribute of one entry (uSNChanged, entryCSN, entryUUID).</summary>
    public string Read(string dn, string attribute)
    {
        var response = (SearchResponse)Send(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, attribute))!;
        return (string)response.Entries[0].Attributes[attribute].GetValues(typeof(string))[0];
    }

    /// <summary>objectGUID of one entry, formatted as the reader formats it.</summary>
    public string ReadObjectGuid(string dn)
    {
        var response = (SearchResponse)Send(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, "objectGUID"))!;
        return new Guid((byte[])response.Entries[0].Attributes["objectGUID"].GetValues(typeof(byte[]))[0]).ToString("D");
    }

    private void Modify(string dn, DirectoryAttributeOperation operation, string attribute, params string[] values)
    {
        var modification = new DirectoryAttributeModification { Name = attribute, Operation = operation };
        foreach (var value in values)
        {
            modification.Add(value);
        }
        Send(new ModifyRequest(dn, modification));
    }

    public void Dispose() => _connection.Dispose();
}
