using System.Globalization;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>
/// Turns an OpenLDAP change sequence number (<c>20261127085117.591029Z#000000#000#000000</c>: time, change
/// count, server id, modifier) into a <see cref="long"/> version that orders like the CSN itself.
/// </summary>
public static class EntryCsn
{
    /// <summary>
    /// The count field only disambiguates changes within one microsecond, so three decimal digits are plenty;
    /// larger counts are clamped rather than overflowing into the next microsecond.
    /// </summary>
    public const int MaxCount = 999;

    /// <summary>Microseconds since the Unix epoch × 1000 + change count. Fits a long until the year 2262.</summary>
    public static long ToVersion(string csn)
    {
        if (!TryToVersion(csn, out var version))
        {
            throw new FormatException($"Not an entryCSN: '{csn}'.");
        }
        return version;
    }

    public static bool TryToVersion(string? csn, out long version)
    {
        version = 0;
        if (string.IsNullOrEmpty(csn) || csn.Length > 64)
        {
            return false;
        }
        var parts = csn.Split('#');
        if (parts.Length != 4 || parts[0].Length != 22 || parts[0][14] != '.' || parts[0][21] != 'Z')
        {
            return false;
        }
        if (!DateTime.TryParseExact(parts[0][..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var seconds)
            || !int.TryParse(parts[0].AsSpan(15, 6), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            || !int.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var count)
            || seconds < DateTime.UnixEpoch)
        {
            return false;
        }
        var totalMicros = (seconds - DateTime.UnixEpoch).Ticks / 10 + micros;
        if (totalMicros > (long.MaxValue - MaxCount) / 1000)
        {
            // Past April 2262 the version would overflow and wrap to a wrong, even negative, number.
            return false;
        }
        version = totalMicros * 1000 + Math.Min(count, MaxCount);
        return true;
    }
}
