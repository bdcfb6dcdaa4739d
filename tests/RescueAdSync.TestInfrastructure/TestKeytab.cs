using System.Buffers.Binary;
using System.Text;

namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// Writes an MIT keytab (version 0x0502) with one AES256 key per principal, in the layout ktpass and samba-tool export,
/// for tests that need a well-formed keytab without a domain controller (its keys open nothing).
/// </summary>
public static class TestKeytab
{
    public static byte[] Create(params string[] principals)
    {
        using var stream = new MemoryStream();
        stream.Write([0x05, 0x02]);
        foreach (var principal in principals)
        {
            var at = principal.LastIndexOf('@');
            var names = principal[..at].Split('/');
            var realm = principal[(at + 1)..];
            using var entry = new MemoryStream();
            void U16(int value) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)value); entry.Write(b); }
            void U32(uint value) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, value); entry.Write(b); }
            void Text(string value) { var bytes = Encoding.UTF8.GetBytes(value); U16(bytes.Length); entry.Write(bytes); }
            U16(names.Length);
            Text(realm);
            foreach (var name in names)
            {
                Text(name);
            }
            U32(1); // KRB5_NT_PRINCIPAL
            U32(1_700_000_000);
            entry.WriteByte(2);
            U16(18); // aes256-cts-hmac-sha1-96
            U16(32);
            entry.Write(Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + principal.Length)).ToArray());
            U32(2);
            var size = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(size, (int)entry.Length);
            stream.Write(size);
            stream.Write(entry.ToArray());
        }
        return stream.ToArray();
    }
}
