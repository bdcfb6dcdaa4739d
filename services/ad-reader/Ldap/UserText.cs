using System.Buffers.Binary;
using System.Text;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>
/// A user's display name, email and DN as one immutable UTF-8 block. At 100,000 users three separate UTF-16 strings
/// per user (plus their object headers) were most of the reader's live data; one block costs about a third of that,
/// and a member read in a full cycle shares it with the known record instead of copying it. The strings are decoded
/// only when a message is built or a log line needs them.
/// </summary>
/// <remarks>Layout: name length and email length (Int32, little-endian, in bytes), then name, email and DN.</remarks>
public readonly struct UserText : IEquatable<UserText>
{
    private const int HeaderBytes = 8;
    private static readonly byte[] Empty = new byte[HeaderBytes];
    private readonly byte[]? _bytes;

    public UserText(string? displayName, string? email, string? distinguishedName)
    {
        displayName ??= "";
        email ??= "";
        distinguishedName ??= "";
        var nameBytes = Encoding.UTF8.GetByteCount(displayName);
        var emailBytes = Encoding.UTF8.GetByteCount(email);
        var bytes = new byte[HeaderBytes + nameBytes + emailBytes + Encoding.UTF8.GetByteCount(distinguishedName)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, nameBytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), emailBytes);
        Encoding.UTF8.GetBytes(displayName, bytes.AsSpan(HeaderBytes));
        Encoding.UTF8.GetBytes(email, bytes.AsSpan(HeaderBytes + nameBytes));
        Encoding.UTF8.GetBytes(distinguishedName, bytes.AsSpan(HeaderBytes + nameBytes + emailBytes));
        _bytes = bytes;
    }

    public string DisplayName => Encoding.UTF8.GetString(NameSpan);

    public string Email => Encoding.UTF8.GetString(EmailSpan);

    public string DistinguishedName => Encoding.UTF8.GetString(DnSpan);

    /// <summary>The name as UTF-8, for writers that take it without decoding.</summary>
    public ReadOnlySpan<byte> DisplayNameUtf8 => NameSpan;

    public ReadOnlySpan<byte> EmailUtf8 => EmailSpan;

    public ReadOnlySpan<byte> DistinguishedNameUtf8 => DnSpan;

    /// <summary>Same name and email: what decides whether Rescue must hear about a user again.</summary>
    public bool SameNameAndEmail(UserText other) => NameAndEmailSpan.SequenceEqual(other.NameAndEmailSpan);

    public bool SameDistinguishedName(UserText other) => DnSpan.SequenceEqual(other.DnSpan);

    public UserText WithDisplayName(string displayName) => new(displayName, Email, DistinguishedName);

    public UserText WithEmail(string email) => new(DisplayName, email, DistinguishedName);

    public UserText WithDistinguishedName(string distinguishedName) => new(DisplayName, Email, distinguishedName);

    public bool Equals(UserText other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is UserText other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    public override string ToString() => $"{DisplayName} <{Email}> ({DistinguishedName})";

    public static bool operator ==(UserText left, UserText right) => left.Equals(right);

    public static bool operator !=(UserText left, UserText right) => !left.Equals(right);

    // default(UserText) reads as three empty strings.
    private ReadOnlySpan<byte> Span => _bytes ?? Empty;

    private int NameBytes => BinaryPrimitives.ReadInt32LittleEndian(Span);

    private int EmailBytes => BinaryPrimitives.ReadInt32LittleEndian(Span[4..]);

    private ReadOnlySpan<byte> NameSpan => Span.Slice(HeaderBytes, NameBytes);

    private ReadOnlySpan<byte> EmailSpan => Span.Slice(HeaderBytes + NameBytes, EmailBytes);

    private ReadOnlySpan<byte> NameAndEmailSpan => Span[..(HeaderBytes + NameBytes + EmailBytes)];

    private ReadOnlySpan<byte> DnSpan => Span[(HeaderBytes + NameBytes + EmailBytes)..];
}
