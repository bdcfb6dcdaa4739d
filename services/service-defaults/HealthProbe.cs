namespace RescueAdSync.ServiceDefaults;

/// <summary>
/// <c>&lt;service&gt; --health</c>: the container health check without a shell or curl in the image. The service's own
/// binary asks the running instance for <c>/health/live</c> on the first port of <c>ASPNETCORE_HTTP_PORTS</c> (8080 when
/// unset) and exits 0 on 200, 1 otherwise. Nothing else starts: no configuration, no host.
/// </summary>
public static class HealthProbe
{
    public const string Argument = "--health";

    /// <summary>Runs the probe and ends the process when <paramref name="args"/> is exactly <c>--health</c>; otherwise returns.</summary>
    public static void ExitIfRequested(string[] args)
    {
        if (args is [Argument])
        {
            Environment.Exit(Check(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"), Console.Error));
        }
    }

    /// <summary>0 when /health/live on 127.0.0.1 answers 200 within 5 seconds, else 1 (the reason on <paramref name="error"/>).</summary>
    public static int Check(string? httpPorts, TextWriter error)
    {
        var first = (httpPorts ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        var port = 8080;
        if (first is not null && (!int.TryParse(first, out port) || port is < 1 or > 65535))
        {
            error.WriteLine($"health: ASPNETCORE_HTTP_PORTS does not start with a port number: \"{first}\"");
            return 1;
        }

        var url = $"http://127.0.0.1:{port}/health/live";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = http.GetAsync(url).GetAwaiter().GetResult();
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }

            error.WriteLine($"health: {url} answered {(int)response.StatusCode}");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            error.WriteLine($"health: {url} did not answer: {e.Message}");
            return 1;
        }
    }
}
