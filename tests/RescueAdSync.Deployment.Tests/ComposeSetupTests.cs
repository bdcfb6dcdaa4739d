using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RescueAdSync.Deployment.Tests.Infrastructure;

namespace RescueAdSync.Deployment.Tests;

/// <summary>
/// The compose stack's one-shot set-up (deploy/compose/setup/setup.sh) run as the container runs it, against a local
/// HTTP server standing in for the emulator and the config service: it waits for a service that is not reachable
/// yet, tries a 503 again, and stops at once on a refusal with the service's own answer.
/// </summary>
public sealed class ComposeSetupTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Setup_waits_for_a_service_that_is_not_listening_yet_and_tries_a_503_again()
    {
        var port = FreePort();
        using var setup = SetupProcess.Start(port, waitSeconds: 60);

        // Nothing listens yet: the script says it will try again instead of failing.
        await setup.WaitForErrorLine(line => line.Contains("emulator token") && line.Contains("trying again"), Patience);

        var mappingsTried = 0;
        using var server = new FakeServer(port, (method, path, _) =>
        {
            return (method, path) switch
            {
                ("GET", "/admin/state") => (200, """{"groups":[{"nodeId":1001,"parentId":1,"name":"Support","description":"x"}]}"""),
                ("GET", "/api/mappings") => (200, "[]"),
                ("POST", "/api/mappings") => Interlocked.Increment(ref mappingsTried) == 1
                    ? (503, """{"title":"Service Unavailable"}""")
                    : (201, """{"id":1}"""),
                _ => (200, "{}"),
            };
        });

        var exit = await setup.Exit(Patience);

        Assert.True(exit == 0, setup.Output);
        var calls = server.Calls.ToList();
        Assert.Contains("setup: done", setup.Output);
        Assert.Contains(calls, c => c.StartsWith("PUT /api/rescue-account ", StringComparison.Ordinal) && c.Contains("\"serviceToken\":\"token-1\""));
        Assert.Contains(calls, c => c.StartsWith("PUT /api/directory ", StringComparison.Ordinal));
        Assert.Equal(2, calls.Count(c => c.StartsWith("POST /api/mappings ", StringComparison.Ordinal)));
        Assert.Contains(calls, c => c.StartsWith("POST /api/mappings ", StringComparison.Ordinal) && c.Contains("\"technicianGroupId\":1001"));
        Assert.Contains("config service POST /api/mappings: HTTP 503", setup.Output);
    }

    [Fact]
    public async Task Setup_stops_at_once_on_a_refusal_and_prints_what_the_service_answered()
    {
        var port = FreePort();
        using var server = new FakeServer(port, (method, path, _) => (method, path) switch
        {
            ("GET", "/admin/state") => (200, """{"groups":[{"nodeId":1001,"parentId":1,"name":"Support","description":"x"}]}"""),
            ("PUT", "/api/rescue-account") => (400, """{"errors":{"serviceToken":["Rescue refused the service token (INVALID_SECRETKEY)."]}}"""),
            _ => (200, "{}"),
        });
        using var setup = SetupProcess.Start(port, waitSeconds: 60);

        var exit = await setup.Exit(Patience);

        Assert.Equal(1, exit);
        Assert.Contains("setup: config service PUT /api/rescue-account refused: HTTP 400", setup.Output);
        Assert.Contains("Rescue refused the service token (INVALID_SECRETKEY).", setup.Output);
        Assert.Single(server.Calls, c => c.StartsWith("PUT /api/rescue-account ", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Calls, c => c.StartsWith("PUT /api/directory ", StringComparison.Ordinal));
        Assert.DoesNotContain("trying again", setup.Output);
    }

    [Fact]
    public async Task Setup_gives_up_after_its_wait_and_names_the_last_failure()
    {
        var port = FreePort();
        using var setup = SetupProcess.Start(port, waitSeconds: 3);

        var exit = await setup.Exit(Patience);

        Assert.Equal(1, exit);
        Assert.Contains("setup: emulator token failed for 3 s, last: ", setup.Output);
        Assert.Contains("onnect", setup.Output); // curl's "Failed to connect ... Connection refused"
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>setup.sh under sh, with the environment docker-compose.yml gives it, pointed at 127.0.0.1:port.</summary>
    private sealed class SetupProcess : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();
        private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> waiting = [];

        private SetupProcess(Process process) => this.process = process;

        public string Output
        {
            get { lock (output) { return output.ToString(); } }
        }

        public static SetupProcess Start(int port, int waitSeconds)
        {
            var url = $"http://127.0.0.1:{port}";
            var start = new ProcessStartInfo("sh", [Repository.PathOf("deploy/compose/setup/setup.sh")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var (name, value) in new Dictionary<string, string>
            {
                ["CONFIG_URL"] = url,
                ["EMULATOR_URL"] = url,
                ["RESCUE_API_URL"] = url + "/API/",
                ["CONFIG_ADMIN_API_KEY"] = "admin-key",
                ["LDAP_ADMIN_PASSWORD"] = "ldap-secret",
                ["RESCUE_MAH_EMAIL"] = "mah@example.org",
                ["RESCUE_MAH_PASSWORD"] = "mah-secret",
                ["RESCUE_SERVICE_TOKEN"] = "token-1",
                ["RESCUE_DEFAULT_PASSWORD"] = "Welcome-1!",
                ["DIRECTORY_URL"] = "ldap://directory:389",
                ["DIRECTORY_BASE_DN"] = "dc=example,dc=org",
                ["DIRECTORY_BIND_DN"] = "cn=admin,dc=example,dc=org",
                ["SOURCE_GROUP_DN"] = "cn=rescue-technicians,ou=groups,dc=example,dc=org",
                ["TECHNICIAN_GROUP"] = "Support",
                ["SETUP_WAIT_SECONDS"] = waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            {
                start.Environment[name] = value;
            }

            var setup = new SetupProcess(new Process { StartInfo = start });
            setup.process.OutputDataReceived += (_, e) => setup.Add(e.Data);
            setup.process.ErrorDataReceived += (_, e) => setup.Add(e.Data);
            setup.process.Start();
            setup.process.BeginOutputReadLine();
            setup.process.BeginErrorReadLine();
            return setup;
        }

        public async Task WaitForErrorLine(Func<string, bool> match, TimeSpan timeout)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (output)
            {
                if (output.ToString().Split('\n').Any(match))
                {
                    return;
                }

                waiting.Add((match, seen));
            }

            try
            {
                await seen.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"setup.sh printed no such line within {timeout.TotalSeconds} s:\n{Output}");
            }
        }

        public async Task<int> Exit(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"setup.sh did not end within {timeout.TotalSeconds} s:\n{Output}");
            }

            process.WaitForExit(); // drains the redirected streams
            return process.ExitCode;
        }

        private void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
                foreach (var waiter in waiting.Where(w => w.Match(line)).ToList())
                {
                    waiting.Remove(waiter);
                    waiter.Seen.TrySetResult();
                }
            }
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }

    /// <summary>An HttpListener answering each request from a function of (method, path, body); keeps every call.</summary>
    private sealed class FakeServer : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly ConcurrentQueue<string> calls = new();
        private readonly Func<string, string, string, (int Status, string Body)> answer;

        public FakeServer(int port, Func<string, string, string, (int Status, string Body)> answer)
        {
            this.answer = answer;
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            _ = Serve();
        }

        /// <summary>Every request so far as "METHOD /path body".</summary>
        public IReadOnlyCollection<string> Calls => calls;

        private async Task Serve()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                string body;
                using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                {
                    body = await reader.ReadToEndAsync();
                }

                var path = context.Request.Url?.AbsolutePath ?? "";
                calls.Enqueue($"{context.Request.HttpMethod} {path} {body}");
                var (status, text) = answer(context.Request.HttpMethod, path, body);
                var bytes = Encoding.UTF8.GetBytes(text);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        public void Dispose() => listener.Close();
    }
}
