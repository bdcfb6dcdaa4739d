using System.Net;
using System.Text;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;

namespace RescueAdSync.UnitTests.Rescue;

/// <summary>An HttpClientFactory + credentials source whose handler answers with whatever the test sets, recording each request.</summary>
internal sealed class StubRescueServer : HttpMessageHandler, IHttpClientFactory, IRescueCredentialsSource
{
    public const string Token = "secret-token-123";

    public Func<HttpRequestMessage, HttpResponseMessage> Respond { get; set; } = _ => Text("OK");

    public List<(Uri Uri, Dictionary<string, string> Form)> Requests { get; } = [];

    public static HttpResponseMessage Text(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    public ValueTask<RescueCredentials> GetAsync(CancellationToken ct) =>
        ValueTask.FromResult(new RescueCredentials("https://rescue.test/API/", Token, "Default-Pass1", DateTimeOffset.UnixEpoch));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var form = body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => Uri.UnescapeDataString(kv[0]), kv => Uri.UnescapeDataString(kv[1].Replace('+', ' ')));
        Requests.Add((request.RequestUri!, form));
        return Respond(request);
    }
}
