using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Provision on demand (<see cref="Mapping.ProvisionRequests"/>): resolves each named user in the mapping's directory,
/// checks it is a member of the mapping's group, and publishes its state forced with the request id, so the provisioner
/// applies it now and reports the result on the request. An unknown user, an ambiguous name or a non-member fails the
/// request with the reason; a directory that cannot be read leaves it pending for the next cycle.
/// </summary>
public sealed class OnDemandProvisioning(IOperationsApi operations, IOptions<ReaderOptions> options, TimeProvider time, ILogger<OnDemandProvisioning> logger)
{
    public async Task RunAsync(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, IPublishEndpoint publisher,
        Guid correlationId, CancellationToken cancellationToken, PriorityClaims? claims = null)
    {
        if (mapping.ProvisionRequests is not { Count: > 0 } requests)
        {
            return;
        }
        HashSet<string>? members = null;
        foreach (var request in requests)
        {
            try
            {
                members ??= session.ReadGroupMembers(mapping.SourceGroupDn, mapping.Nested)
                    .Select(entry => DirectoryUserMapper.ReadId(directory.Kind, entry))
                    .OfType<string>()
                    .ToHashSet(StringComparer.Ordinal);
                var (message, failure) = Resolve(session, directory, mapping, request, members, correlationId, claims);
                if (failure is not null)
                {
                    using var failed = await operations.FailProvisionAsync(request.Id, new ProvisionFailure(failure), cancellationToken);
                    logger.ProvisionRequestFailed(mapping.Id, request.Id, failure);
                    continue;
                }
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.PublishTimeoutSeconds));
                    await publisher.PublishToQueueAsync(message!, timeout.Token);
                }
                ReaderMetrics.MessagesPublished.Inc();
                using var published = await operations.MarkProvisionPublishedAsync(request.Id, new ProvisionPublished(message!.DirectoryUserId), cancellationToken);
                logger.ProvisionRequestPublished(mapping.Id, request.Id, message.DirectoryUserId);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The directory, the broker or the config service failed: the request stays pending and is tried again next cycle.
                logger.ProvisionRequestNotDone(mapping.Id, request.Id, ex.Message, ex);
            }
        }
    }

    private (UserChanged? Message, string? Failure) Resolve(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping,
        PendingProvision request, IReadOnlySet<string> members, Guid correlationId, PriorityClaims? claims)
    {
        var found = session.FindUsers(request.User);
        var searched = directory.Kind == DirectoryKind.ActiveDirectory ? "sAMAccountName, userPrincipalName, mail, DN or objectGUID" : "uid, mail, DN or entryUUID";
        if (found.Count == 0)
        {
            return (null, $"No user '{request.User}' under '{directory.BaseDn}' in directory '{mapping.Directory}' (searched by {searched}).");
        }
        if (found.Count > 1)
        {
            return (null, $"'{request.User}' matches {found.Count} users ({string.Join("; ", found.Take(5).Select(e => e.DistinguishedName))}): name the user by DN or directory id.");
        }
        var now = time.GetUtcNow();
        if (!DirectoryUserMapper.TryMap(directory.Kind, found[0], now, out var user, out _, out var reason, directory.DisabledAttribute,
            mapping.NameAttribute, mapping.EmailAttribute))
        {
            return (null, $"The entry '{found[0].DistinguishedName}' cannot be provisioned: {reason}.");
        }
        if (!members.Contains(user!.Id))
        {
            return (null, $"'{found[0].DistinguishedName}' is not a member of the mapping's group '{mapping.SourceGroupDn}'{(mapping.Nested ? " (nested groups included)" : "")}: only members are provisioned.");
        }
        if (claims?.IsClaimedByHigher(mapping, user.Id) == true)
        {
            return (null, $"'{found[0].DistinguishedName}' is also in a mapping of higher priority, which handles this user: provision it with that mapping.");
        }
        return (new UserChanged(mapping.Id, user.Id, user.Version, user.DisplayName, user.Email, user.State, user.DistinguishedName, now, correlationId,
            Force: true, ProvisionRequestId: request.Id, Login: user.Login), null);
    }
}
