using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.UnitTests.Reader;

public sealed class ReaderStateUploaderTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static MappingState State(int users, string? cookie) => new(Guid.NewGuid(), "cn=Técnicos,ou=groups,dc=x", true,
        new HighWaterMark(4711, "20261127180000.000000Z#000000#000#000000", "openldap"),
        Enumerable.Range(0, users).ToDictionary(i => $"id-{i}", i => new KnownUser($"id-{i}", $"uid=u{i},ou=people,dc=x", $"Zoë \"{i}\" <Müller>",
            $"u{i}@example.org", (UserState)(i % 4), 1000 + i)),
        DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch.AddDays(2), "displayName|mail", cookie);

    [Theory]
    [InlineData(0, null)]
    [InlineData(3_000, "Y29va2ll")]
    public async Task The_streamed_body_is_the_update_the_config_service_expects_and_is_written_in_small_pieces(int users, string? cookie)
    {
        var state = State(users, cookie);
        var handler = new RecordingHandler();
        var uploader = new ReaderStateUploader(new HttpClient(handler) { BaseAddress = new Uri("http://config.test/") });

        var (status, etag) = await uploader.PutAsync(state, "\"7\"", CancellationToken.None);

        Assert.Equal((HttpStatusCode.NoContent, "\"8\""), (status, etag));
        Assert.Equal($"/api/reader-state/{state.MappingId}", handler.Path);
        Assert.Equal("\"7\"", handler.IfMatch);
        // The same JSON as serializing the contract's ReaderStateUpdate with the whole document in memory.
        var expected = JsonSerializer.SerializeToNode(new ReaderStateUpdate(JsonSerializer.SerializeToElement(state, Web), state.Mark.Token), Web);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(handler.Body)), handler.Body.Length < 2000 ? handler.Body : "bodies differ");
        var update = JsonSerializer.Deserialize<ReaderStateUpdate>(handler.Body, Web)!;
        var read = update.Document.Deserialize<MappingState>(Web)!;
        Assert.Equal(state with { Users = read.Users }, read);
        Assert.Equal(state.Users.Values, read.Users.Values);
        if (users > 0)
        {
            // Streamed: many writes, none holding more than a flush's worth of users.
            Assert.True(handler.Writes > 5, $"{handler.Writes} writes");
            Assert.True(handler.LargestWrite < 64 * 1024, $"largest write {handler.LargestWrite} bytes");
        }
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public string Body { get; private set; } = "";
        public string? Path { get; private set; }
        public string? IfMatch { get; private set; }
        public int Writes { get; private set; }
        public int LargestWrite { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Path = request.RequestUri!.AbsolutePath;
            IfMatch = request.Headers.TryGetValues("If-Match", out var values) ? values.Single() : null;
            var sink = new CountingStream(this);
            await request.Content!.CopyToAsync(sink, cancellationToken);
            Body = System.Text.Encoding.UTF8.GetString(sink.Bytes.ToArray());
            var response = new HttpResponseMessage(HttpStatusCode.NoContent);
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"8\"");
            return response;
        }

        private sealed class CountingStream(RecordingHandler owner) : Stream
        {
            public MemoryStream Bytes { get; } = new();
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => Bytes.Length;
            public override long Position { get => Bytes.Position; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => Record(buffer.AsSpan(offset, count));

            public override void Write(ReadOnlySpan<byte> buffer) => Record(buffer);

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                Record(buffer.AsSpan(offset, count));
                return Task.CompletedTask;
            }

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                Record(buffer.Span);
                return ValueTask.CompletedTask;
            }

            private void Record(ReadOnlySpan<byte> bytes)
            {
                owner.Writes++;
                owner.LargestWrite = Math.Max(owner.LargestWrite, bytes.Length);
                Bytes.Write(bytes);
            }
        }
    }
}
