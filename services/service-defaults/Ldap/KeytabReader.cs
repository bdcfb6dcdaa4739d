using System.Buffers.Binary;
using System.Text;

namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>
/// Reads an MIT keytab (file format version 0x0502, what ktpass and samba-tool domain exportkeytab write): the
/// principals it holds keys for, and a copy holding one principal's keys only. GSSAPI initiates as the first principal
/// of its client keytab, so the services give it a keytab of the configured principal alone: a keytab without that
/// principal's keys is refused with a message that lists the principals it does hold.
/// </summary>
public static class KeytabReader
{
    /// <summary>Largest keytab accepted: a keytab holds a few keys of a few principals, never this much.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>One key of a keytab.</summary>
    public sealed record Entry(string Principal, uint KeyVersion, int EncryptionType, int Offset, int Length);

    /// <summary>The keytab's entries; throws <see cref="FormatException"/> when the bytes are not an MIT keytab.</summary>
    public static IReadOnlyList<Entry> Read(ReadOnlySpan<byte> keytab)
    {
        if (keytab.Length < 2 || keytab[0] != 0x05 || keytab[1] != 0x02)
        {
            throw new FormatException("Not a keytab: an MIT keytab starts with the bytes 0x05 0x02.");
        }
        if (keytab.Length > MaxBytes)
        {
            throw new FormatException($"A keytab of more than {MaxBytes} bytes is not one service's keytab.");
        }
        var entries = new List<Entry>();
        var position = 2;
        while (position < keytab.Length)
        {
            if (keytab.Length - position < 4)
            {
                throw new FormatException("The keytab ends inside an entry's length.");
            }
            var size = BinaryPrimitives.ReadInt32BigEndian(keytab[position..]);
            position += 4;
            var length = Math.Abs((long)size);
            if (length > keytab.Length - position)
            {
                throw new FormatException("The keytab is truncated: an entry is longer than the file.");
            }
            if (size > 0)
            {
                entries.Add(ReadEntry(keytab.Slice(position, size), position - 4, size + 4));
            }
            // A negative size is a hole left by a deleted entry.
            position += (int)length;
        }
        if (entries.Count == 0)
        {
            throw new FormatException("The keytab holds no keys.");
        }
        return entries;
    }

    /// <summary>A keytab holding only <paramref name="principal"/>'s keys (case-insensitive, as Active Directory compares).</summary>
    /// <exception cref="FormatException">Not a keytab, or no key of the principal in it.</exception>
    public static byte[] Only(ReadOnlySpan<byte> keytab, string principal)
    {
        var entries = Read(keytab);
        var wanted = entries.Where(e => e.Principal.Equals(principal, StringComparison.OrdinalIgnoreCase)).ToList();
        if (wanted.Count == 0)
        {
            throw new FormatException(
                $"The keytab holds no key of {principal}; it holds keys of {string.Join(", ", entries.Select(e => e.Principal).Distinct(StringComparer.OrdinalIgnoreCase))}.");
        }
        var result = new byte[2 + wanted.Sum(e => e.Length)];
        result[0] = 0x05;
        result[1] = 0x02;
        var offset = 2;
        foreach (var entry in wanted)
        {
            keytab.Slice(entry.Offset, entry.Length).CopyTo(result.AsSpan(offset));
            offset += entry.Length;
        }
        return result;
    }

    private static Entry ReadEntry(ReadOnlySpan<byte> entry, int offset, int length)
    {
        var position = 0;
        ushort U16(ReadOnlySpan<byte> data)
        {
            if (data.Length - position < 2)
            {
                throw new FormatException("A keytab entry is truncated.");
            }
            var value = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            position += 2;
            return value;
        }
        string Text(ReadOnlySpan<byte> data)
        {
            var size = U16(data);
            if (data.Length - position < size)
            {
                throw new FormatException("A keytab entry is truncated.");
            }
            var value = Encoding.UTF8.GetString(data.Slice(position, size));
            position += size;
            return value;
        }
        var components = U16(entry);
        if (components is 0 or > 16)
        {
            throw new FormatException("A keytab entry has no principal name.");
        }
        var realm = Text(entry);
        var names = new string[components];
        for (var i = 0; i < components; i++)
        {
            names[i] = Text(entry);
        }
        // name type (4), timestamp (4), 8-bit key version (1), key type (2), key (2 + n), then an optional 32-bit version.
        if (entry.Length - position < 9)
        {
            throw new FormatException("A keytab entry is truncated.");
        }
        position += 8;
        uint version = entry[position++];
        int encryptionType = U16(entry);
        var keyLength = U16(entry);
        if (keyLength == 0 || entry.Length - position < keyLength)
        {
            throw new FormatException("A keytab entry's key is truncated.");
        }
        position += keyLength;
        if (entry.Length - position >= 4)
        {
            var wide = BinaryPrimitives.ReadUInt32BigEndian(entry[position..]);
            if (wide != 0)
            {
                version = wide;
            }
        }
        return new Entry($"{string.Join('/', names)}@{realm}", version, encryptionType, offset, length);
    }
}
