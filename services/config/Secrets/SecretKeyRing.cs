using System.Security.Cryptography;

namespace RescueAdSync.Config.Secrets;

/// <summary>The current key (which encrypts) and the previous ones (which only decrypt), each named by a short id.</summary>
public sealed class SecretKeyRing
{
    public const int KeySize = 32;

    public SecretKeyRing(byte[] current, IEnumerable<byte[]> previous)
    {
        CurrentId = IdOf(current);
        Current = current;
        var all = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [CurrentId] = current };
        foreach (var key in previous)
        {
            all.TryAdd(IdOf(key), key);
        }

        Keys = all;
    }

    public string CurrentId { get; }

    public byte[] Current { get; }

    public IReadOnlyDictionary<string, byte[]> Keys { get; }

    /// <summary>Not secret: a hash prefix, enough to tell which key encrypted a value.</summary>
    public static string IdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 4));

    /// <summary>Parses a base64 key; null when it is not base64 or not 32 bytes.</summary>
    public static byte[]? TryParse(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == KeySize
            ? buffer[..written]
            : null;
    }

    /// <summary>Keys anyone could know: all one byte value (e.g. a base64 of zeros pasted from a sample).</summary>
    public static bool IsWellKnown(byte[] key) => key.All(b => b == key[0]);
}
