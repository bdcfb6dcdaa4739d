using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Fuzz;

/// <summary>
/// A directory entry in an LDIF-like text form, mapped by <see cref="DirectoryUserMapper"/> for both directory kinds and
/// its DN and memberOf values compared by <see cref="DistinguishedNames"/>. Both are documented never to throw: the
/// mapper refuses an entry with a reason, a malformed DN compares by its text. So every exception is a crash, and so
/// is a mapped user with a negative version (a wrapped number that would order every later change before it).
/// </summary>
/// <remarks>
/// Lines are <c>attribute: value</c>; <c>attribute:: base64</c> is a binary value (objectGUID). Lines starting with
/// <c>#</c> set the mapping: <c>#name-attribute</c>, <c>#email-attribute</c>, <c>#disabled-attribute</c>,
/// <c>#group</c> (group DN) and <c>#base</c> (base DN). The first <c>dn</c> line is the entry's DN.
/// </remarks>
internal static class LdapEntryTarget
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public static void Run(byte[] bytes)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? dn = null;
        byte[]? objectGuid = null;
        foreach (var line in Input.Text(bytes).Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var binary = colon + 1 < line.Length && line[colon + 1] == ':';
            var value = line[(colon + (binary ? 2 : 1))..].TrimStart(' ').TrimEnd('\r');
            if (name.StartsWith('#'))
            {
                settings[name[1..]] = value;
            }
            else if (name.Equals("dn", StringComparison.OrdinalIgnoreCase))
            {
                dn ??= value;
            }
            else if (binary && name.Equals("objectGUID", StringComparison.OrdinalIgnoreCase))
            {
                var buffer = new byte[value.Length];
                objectGuid = Convert.TryFromBase64String(value, buffer, out var written) ? buffer[..written] : System.Text.Encoding.UTF8.GetBytes(value);
            }
            else
            {
                if (!values.TryGetValue(name, out var list))
                {
                    values[name] = list = [];
                }

                list.Add(value);
            }
        }

        var entry = new LdapEntry(dn ?? "", values.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.OrdinalIgnoreCase), objectGuid);
        var nameAttribute = settings.GetValueOrDefault("name-attribute");
        var emailAttribute = settings.GetValueOrDefault("email-attribute");
        var disabledAttribute = settings.GetValueOrDefault("disabled-attribute");
        foreach (var kind in new[] { DirectoryKind.ActiveDirectory, DirectoryKind.OpenLdap })
        {
            if (DirectoryUserMapper.TryMap(kind, entry, Now, out var user, out _, out _, disabledAttribute, nameAttribute, emailAttribute))
            {
                // Versions order changes: a wrapped (negative) one would make every later change look stale.
                if (user!.Version < 0)
                {
                    throw new InvalidOperationException($"A mapped user got the negative version {user.Version}.");
                }

                // What the reader does with a mapped user: compares and prints its texts.
                _ = user.DisplayName + user.Email + user.DistinguishedName + user.Text;
                _ = user.Text.SameNameAndEmail(user.Text.WithEmail(user.Email));
            }

            _ = DirectoryUserMapper.Login(kind, entry);
            _ = DirectoryUserMapper.Status(kind, entry, Now, disabledAttribute);
        }

        _ = DistinguishedNames.Normalize(entry.DistinguishedName);
        var group = settings.GetValueOrDefault("group") ?? entry.First("memberOf") ?? "";
        var baseDn = settings.GetValueOrDefault("base") ?? "";
        _ = DistinguishedNames.IsUnder(entry.DistinguishedName, baseDn);
        _ = DistinguishedNames.IsInScope(entry, group, baseDn);
        foreach (var member in values.GetValueOrDefault("memberOf") ?? [])
        {
            _ = DistinguishedNames.Rdns(member);
            _ = DistinguishedNames.AreEqual(member, group);
        }
    }
}
