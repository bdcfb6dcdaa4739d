using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// The attributes every user search requests beyond the kind's defaults: the mappings' name and email attributes and
/// the connection's disabled-status attribute. Updated with every configuration refresh; read by each new session.
/// </summary>
public sealed class ReaderAttributeSet
{
    private volatile string[] _extra = [];

    public IReadOnlyList<string> Extra => _extra;

    public void Update(DirectoryConnectionSettings directory, IEnumerable<Mapping> mappings)
    {
        var wanted = mappings.SelectMany(mapping => new[] { mapping.NameAttribute, mapping.EmailAttribute })
            .Append(directory.Kind == DirectoryKind.OpenLdap ? directory.DisabledAttribute : null)
            .Where(attribute => !string.IsNullOrWhiteSpace(attribute))
            .Select(attribute => attribute!.Trim())
            .Except(DirectoryUserMapper.Attributes(directory.Kind), StringComparer.OrdinalIgnoreCase)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToArray();
        _extra = wanted;
    }
}
