using System.Text;

namespace RescueAdSync.IntegrationTests.Tracing;

/// <summary>
/// Reads the spans out of an OTLP ExportTraceServiceRequest (protobuf), field numbers as in opentelemetry-proto's
/// trace/v1/trace.proto, common/v1/common.proto and resource/v1/resource.proto. Only what the tests look at is read;
/// every other field is skipped by its wire type.
/// </summary>
public static class OtlpTraceDecoder
{
    public static IReadOnlyList<ExportedSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<ExportedSpan>();
        var reader = new Reader(request.ToArray());
        while (reader.Next(out var field, out var value))
        {
            if (field == 1) // resource_spans
            {
                ResourceSpans(value!, spans);
            }
        }

        return spans;
    }

    private static void ResourceSpans(byte[] message, List<ExportedSpan> spans)
    {
        var service = "";
        var scopes = new List<byte[]>();
        var reader = new Reader(message);
        while (reader.Next(out var field, out var value))
        {
            if (field == 1) // resource
            {
                var resource = new Reader(value!);
                while (resource.Next(out var resourceField, out var attribute))
                {
                    if (resourceField == 1 && KeyValue(attribute!) is ("service.name", var name))
                    {
                        service = name;
                    }
                }
            }
            else if (field == 2) // scope_spans
            {
                scopes.Add(value!);
            }
        }

        foreach (var scopeSpans in scopes)
        {
            var scope = "";
            var raw = new List<byte[]>();
            var reader2 = new Reader(scopeSpans);
            while (reader2.Next(out var field, out var value))
            {
                if (field == 1) // scope: InstrumentationScope { name = 1 }
                {
                    var scopeReader = new Reader(value!);
                    while (scopeReader.Next(out var scopeField, out var scopeValue))
                    {
                        if (scopeField == 1)
                        {
                            scope = Encoding.UTF8.GetString(scopeValue!);
                        }
                    }
                }
                else if (field == 2)
                {
                    raw.Add(value!);
                }
            }

            spans.AddRange(raw.Select(span => Span(service, scope, span)));
        }
    }

    private static ExportedSpan Span(string service, string scope, byte[] message)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Reader(message);
        while (reader.Next(out var field, out var value, out var number))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(value!); break;
                case 2: spanId = Convert.ToHexStringLower(value!); break;
                case 4: parent = Convert.ToHexStringLower(value!); break;
                case 5: name = Encoding.UTF8.GetString(value!); break;
                case 6: kind = (int)number; break;
                case 9:
                    var (key, text) = KeyValue(value!);
                    attributes[key] = text;
                    break;
            }
        }

        return new ExportedSpan(service, scope, name, traceId, spanId, parent, kind, attributes);
    }

    /// <summary>KeyValue { key = 1; AnyValue value = 2 }; AnyValue as text (string, bool, int or double).</summary>
    private static (string Key, string Value) KeyValue(byte[] message)
    {
        string key = "", text = "";
        var reader = new Reader(message);
        while (reader.Next(out var field, out var value))
        {
            if (field == 1)
            {
                key = Encoding.UTF8.GetString(value!);
            }
            else if (field == 2)
            {
                var any = new Reader(value!);
                while (any.Next(out var anyField, out var anyValue, out var number))
                {
                    text = anyField switch
                    {
                        1 => Encoding.UTF8.GetString(anyValue!),
                        2 => number != 0 ? "true" : "false",
                        3 => ((long)number).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        4 => BitConverter.Int64BitsToDouble((long)number).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => text,
                    };
                }
            }
        }

        return (key, text);
    }

    /// <summary>Protobuf wire format: a varint tag (field number, wire type), then the value.</summary>
    private sealed class Reader(byte[] buffer)
    {
        private int _position;

        public bool Next(out int field, out byte[]? bytes) => Next(out field, out bytes, out _);

        /// <param name="bytes">A length-delimited value; null for the numeric wire types.</param>
        /// <param name="number">A varint or fixed-width value; 0 for length-delimited ones.</param>
        public bool Next(out int field, out byte[]? bytes, out ulong number)
        {
            (field, bytes, number) = (0, null, 0);
            if (_position >= buffer.Length)
            {
                return false;
            }

            var tag = Varint();
            field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    number = Varint();
                    break;
                case 1:
                    number = BitConverter.ToUInt64(buffer, _position);
                    _position += 8;
                    break;
                case 2:
                    var length = (int)Varint();
                    bytes = buffer[_position..(_position + length)];
                    _position += length;
                    break;
                case 5:
                    number = BitConverter.ToUInt32(buffer, _position);
                    _position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {tag & 7} at byte {_position}.");
            }

            return true;
        }

        private ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = buffer[_position++];
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }
        }
    }
}
