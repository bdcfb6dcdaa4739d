using System.DirectoryServices.Protocols;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>A long-running search whose results only say "something changed", to start the next cycle early.</summary>
public sealed partial class LdapDirectorySession
{
    /// <summary>LDAP_SERVER_NOTIFICATION_OID (Active Directory).</summary>
    private const string NotificationOid = "1.2.840.113556.1.4.528";

    /// <summary>RFC 4533 Sync Request control (OpenLDAP syncprov), used in refreshAndPersist mode.</summary>
    private const string SyncRequestOid = "1.3.6.1.4.1.4203.1.9.1.1";

    /// <summary>
    /// Starts the watch: AD's change notification on the domain root, or an RFC 4533 refreshAndPersist search starting at
    /// <paramref name="since"/> on OpenLDAP. <paramref name="onChange"/> runs for every entry the server sends; the
    /// returned task ends when the search ends (an error, the server going away, or <paramref name="lifetime"/>).
    /// </summary>
    public Task WatchAsync(HighWaterMark since, Action onChange, TimeSpan lifetime)
    {
        SearchRequest request;
        if (settings.Kind == Contracts.Config.DirectoryKind.ActiveDirectory)
        {
            request = new SearchRequest(DefaultNamingContext(), "(objectClass=*)", SearchScope.Subtree, "objectGUID");
            request.Controls.Add(new DirectoryControl(NotificationOid, null, isCritical: true, serverSide: true));
        }
        else
        {
            // mode refreshAndPersist (3), cookie "csn=<mark>": the refresh phase sends only what changed after the mark.
            var value = BerConverter.Encode("{eo}", 3, System.Text.Encoding.UTF8.GetBytes($"csn={since.Token}"));
            request = new SearchRequest(NamingContext(), "(objectClass=*)", SearchScope.Subtree, "1.1");
            request.Controls.Add(new DirectoryControl(SyncRequestOid, value, isCritical: true, serverSide: true));
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = 0;
        void Callback(IAsyncResult result)
        {
            try
            {
                if (result.IsCompleted)
                {
                    connection.EndSendRequest(result);
                    done.TrySetResult();
                    return;
                }
                var partial = connection.GetPartialResults(result);
                if (partial is { Count: > 0 } && Interlocked.Add(ref seen, partial.Count) > 0)
                {
                    onChange();
                }
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }
        connection.BeginSendRequest(request, lifetime, PartialResultProcessing.ReturnPartialResultsAndNotifyCallback, Callback, null);
        return done.Task;
    }
}
