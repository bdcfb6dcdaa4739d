using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RescueAdSync.Config.Auth;

/// <summary>
/// Holds only SHA-256 hashes of the configured keys, so a memory dump or a log of this object never shows a key,
/// and compares in constant time so the response time does not reveal how much of a guess was right.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly IReadOnlyList<(byte[] Hash, string Role, string Name)> keys;

    public ApiKeyStore(IOptions<ApiKeyOptions> options)
    {
        keys = options.Value.ApiKeys
            .Select((entry, i) => (
                entry.Key is { Length: > 0 } key ? Hash(key) : Convert.FromHexString(entry.KeySha256!),
                entry.Role,
                entry.Name ?? $"{entry.Role}-{i}"))
            .ToList();
    }

    /// <summary>Returns the role and name of the key, or null. Every stored hash is compared, match or not.</summary>
    public (string Role, string Name)? Find(string presentedKey)
    {
        var hash = Hash(presentedKey);
        (string Role, string Name)? found = null;
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash) && found is null)
            {
                found = (key.Role, key.Name);
            }
        }

        return found;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
