using System.Net;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.ServiceDefaults.Rescue;

namespace RescueAdSync.Fuzz;

/// <summary>
/// A Rescue API answer body: parsed by <see cref="RescueResponseParser"/>, then read by every <see cref="RescueClient"/>
/// call as if Rescue had sent it with HTTP 200. Bad input is <see cref="RescueResponseFormatException"/> (the parser) and
/// <see cref="RescueApiException"/> (the client: a non-OK code or a malformed answer); nothing else may escape.
/// </summary>
internal static class RescueResponseTarget
{
    private static readonly CancellationToken None = CancellationToken.None;

    public static void Run(byte[] body)
    {
        try
        {
            var response = RescueResponseParser.Parse(Input.Text(body));
            _ = response.IsOk;
            foreach (var node in response.Nodes)
            {
                if (node.TryGetValue("NodeID", out var id) && long.TryParse(id, out var nodeId))
                {
                    _ = response.Node(nodeId);
                }
            }
        }
        catch (RescueResponseFormatException)
        {
        }

        var client = new RescueClient(new FixedAnswerFactory(body), new Credentials(), TimeProvider.System);
        Call(() => client.FindByEmailAsync("ann@example.com", None));
        Call(() => client.GetAsync(1234, None));
        Call(() => client.CreateUserAsync(2, None));
        Call(() => client.SetUserAsync(new SetUserCommand(1234, "Ann Smith", "ann@example.com", true, true, false), None));
        Call(() => client.GetHierarchyAsync(None));
        Call(() => client.GetHierarchyAsync(2, None));
        Call(() => client.GetAccountAsync(None));
    }

    private static void Call(Func<Task> call)
    {
        try
        {
            call().GetAwaiter().GetResult();
        }
        catch (RescueApiException)
        {
        }
    }

    private sealed class Credentials : IRescueCredentialsSource
    {
        private static readonly RescueCredentials Value = new("http://rescue.invalid/API", "token", "password", DateTimeOffset.UnixEpoch);

        public ValueTask<RescueCredentials> GetAsync(CancellationToken ct) => ValueTask.FromResult(Value);
    }

    /// <summary>Every request is answered with HTTP 200 and the fuzzed body; nothing goes over the network.</summary>
    private sealed class FixedAnswerFactory(byte[] body) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new Answer(body));

        private sealed class Answer(byte[] body) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request });
        }
    }
}
