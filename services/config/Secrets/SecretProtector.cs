using System.Security.Cryptography;
using System.Text;

namespace RescueAdSync.Config.Secrets;

/// <summary>
/// AES-256-GCM for the secrets at rest. A stored value reads "v1.&lt;key id&gt;.&lt;base64 nonce|ciphertext|tag&gt;";
/// the purpose (which field) is authenticated data, so a value copied into another column does not decrypt.
/// </summary>
public sealed class SecretProtector(SecretKeyRing ring)
{
    private const string Prefix = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public string Protect(string plaintext, string purpose)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + plain.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(ring.Current, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(purpose));
        CryptographicOperations.ZeroMemory(plain);
        return $"{Prefix}.{ring.CurrentId}.{Convert.ToBase64String(output)}";
    }

    public string Unprotect(string stored, string purpose)
    {
        var parts = stored.Split('.');
        if (parts.Length != 3 || parts[0] != Prefix)
        {
            throw new CryptographicException("Not an encrypted secret.");
        }

        if (!ring.Keys.TryGetValue(parts[1], out var key))
        {
            throw new CryptographicException($"Secret encrypted with unknown key {parts[1]}; add that key to Secrets:PreviousKeys.");
        }

        var input = Convert.FromBase64String(parts[2]);
        var length = input.Length - NonceSize - TagSize;
        if (length < 0)
        {
            throw new CryptographicException("Encrypted secret is truncated.");
        }

        var plain = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, length), input.AsSpan(NonceSize + length), plain, Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>True when the value was encrypted with a previous key and should be re-encrypted.</summary>
    public bool IsStale(string stored) => !stored.StartsWith($"{Prefix}.{ring.CurrentId}.", StringComparison.Ordinal);
}
