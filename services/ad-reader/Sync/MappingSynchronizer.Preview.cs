using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Previews;

namespace RescueAdSync.AdReader.Sync;

public sealed partial class MappingSynchronizer
{
    /// <summary>
    /// A preview's read of one mapping: reads it in full with the same filter and attribute rules as a cycle, and diffs it
    /// against the last stored state exactly as a cycle does (members who left, were disabled or deleted included), but
    /// publishes nothing, stores nothing and writes nothing to the sync log. Throws <see cref="DirectoryReadException"/> like a cycle.
    /// </summary>
    public async Task<PreviewMappingRead> PreviewAsync(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, HighWaterMark mark,
        Guid correlationId, CancellationToken cancellationToken)
    {
        var previous = await stateStore.LoadAsync(mapping.Id, cancellationToken);
        var now = time.GetUtcNow();
        // A group that disappeared fails the preview as it fails a cycle, instead of planning to disable everyone.
        session.ReadGroupVersion(mapping.SourceGroupDn);
        var read = ReadFull(session, directory, mapping, previous, now, mapping.Nested);
        var diff = MembershipDiff.Compute(mapping.Id, previous?.Users, read.Members, read.Unreadable, read.Gone, mark.Version, correlationId, now);
        var changed = diff.Messages.Select(message => message.DirectoryUserId).ToHashSet(StringComparer.Ordinal);
        var unchanged = diff.Users.Values.Count(user => user.InScope && !changed.Contains(user.Id));
        return new PreviewMappingRead(diff.Messages, unchanged);
    }
}
