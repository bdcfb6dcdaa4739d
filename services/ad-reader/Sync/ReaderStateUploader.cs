using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// PUT /api/reader-state/{mappingId} with the state serialized straight into the request stream. The same request
/// as <see cref="IConfigApi.PutReaderStateAsync"/>, without first building the whole document in memory: at 100,000
/// users that document is ~25 MB, and materializing it (serializer buffer, JsonElement copy, the client's own
/// buffer) put ~100 MB on the large-object heap every save (docs/performance.md).
/// </summary>
public sealed class ReaderStateUploader(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Configure(IServiceProvider services, HttpClient client)
    {
        var options = services.GetRequiredService<IOptions<ConfigServiceOptions>>().Value;
        client.BaseAddress = new Uri(options.Url);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        client.Timeout = TimeSpan.FromSeconds(30);
    }

    /// <returns>The status code and, on success, the new ETag.</returns>
    public async Task<(HttpStatusCode Status, string? ETag)> PutAsync(MappingState state, string? ifMatch, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/reader-state/{state.MappingId}")
        {
            Content = new StreamedJsonContent(new Body(state, state.Mark.Token)),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, response.Headers.ETag?.Tag);
    }

    /// <summary>The shape of <see cref="Contracts.Config.ReaderStateUpdate"/>, with the document as the typed state.</summary>
    private sealed record Body(MappingState Document, string? DirectoryVersion);

    private sealed class StreamedJsonContent : HttpContent
    {
        private readonly Body _body;

        public StreamedJsonContent(Body body)
        {
            _body = body;
            Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        /// <summary>
        /// The body <c>{"document": {…}, "directoryVersion": …}</c>, written to the stream as it goes: everything but
        /// the known users through the serializer (a few hundred bytes), the users one by one with a flush every
        /// 32 KB (<see cref="KnownUsersJsonConverter.WriteAsync"/>), so only a small buffer is alive at any time.
        /// </summary>
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var state = _body.Document;
            using var head = JsonSerializer.SerializeToDocument(state with { Users = NoUsers }, Json);
            await using var writer = new Utf8JsonWriter(stream);
            writer.WriteStartObject();
            writer.WritePropertyName(Name(nameof(Body.Document)));
            writer.WriteStartObject();
            foreach (var property in head.RootElement.EnumerateObject())
            {
                if (property.NameEquals(UsersProperty))
                {
                    writer.WritePropertyName(property.Name);
                    await KnownUsersJsonConverter.WriteAsync(writer, state.Users, Json, cancellationToken);
                }
                else
                {
                    property.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
            writer.WriteString(Name(nameof(Body.DirectoryVersion)), _body.DirectoryVersion);
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken);
        }

        private static readonly IReadOnlyDictionary<string, KnownUser> NoUsers = new Dictionary<string, KnownUser>();
        private static readonly string UsersProperty = Name(nameof(MappingState.Users));

        private static string Name(string property) => Json.PropertyNamingPolicy?.ConvertName(property) ?? property;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
