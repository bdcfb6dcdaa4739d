namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>
/// Answers a real Rescue service (or a proxy in front of it) gives now and then that the contract does not describe, for the
/// next Count calls (of one method, or of any): a result code nobody knows, a truncated answer, an HTML error page.
/// Set by POST /admin/faults/surprise, cleared with the other faults.
/// </summary>
public sealed class SurpriseInjector
{
    /// <summary>HTTP 200 with a result code the contract does not list; the call is not applied.</summary>
    public const string UnknownCode = "unknown-code";

    /// <summary>The call is applied, then its answer breaks off half-way (Content-Length promised, connection closed).</summary>
    public const string Truncated = "truncated";

    /// <summary>An HTML error page (a proxy's or the framework's) with the given status; the call is not applied.</summary>
    public const string HtmlPage = "html";

    /// <summary>The code an <see cref="UnknownCode"/> surprise answers.</summary>
    public const string UnknownCodeText = "SERVICE_SURPRISE_2031";

    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { UnknownCode, Truncated, HtmlPage };

    private readonly Lock _gate = new();
    private SurpriseRequest? _request;
    private int _remaining;

    public void Set(SurpriseRequest request)
    {
        if (!Kinds.Contains(request.Kind))
        {
            throw new AdminRequestException("INVALID_SURPRISE", $"Kind must be one of {string.Join(", ", Kinds)}.");
        }

        if (request.Count is < 1 or > 10_000)
        {
            throw new AdminRequestException("INVALID_FAULT", "Count must be between 1 and 10000.");
        }

        if (request.Status is < 200 or > 599)
        {
            throw new AdminRequestException("INVALID_STATUS", "Status must be an HTTP status (200–599).");
        }

        lock (_gate)
        {
            _request = request;
            _remaining = request.Count;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _request = null;
            _remaining = 0;
        }
    }

    /// <summary>The surprise for this call of <paramref name="method"/>, if one is due (consumes it), else null.</summary>
    public SurpriseRequest? Next(string method)
    {
        lock (_gate)
        {
            if (_request is not { } request || _remaining <= 0)
            {
                return null;
            }

            if (request.Method is { Length: > 0 } only && !string.Equals(only, method, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            _remaining--;
            return request;
        }
    }

    public SurpriseView View()
    {
        lock (_gate)
        {
            return new SurpriseView(_remaining > 0 ? _request?.Kind : null, _remaining > 0 ? _request?.Method : null, _remaining);
        }
    }
}

/// <param name="Kind">unknown-code, truncated or html.</param>
/// <param name="Method">Only calls of this Rescue method (e.g. createUser); any method when null.</param>
/// <param name="Count">How many calls get the surprise.</param>
/// <param name="Status">The HTTP status of an html page (200 by default: a portal or proxy page that claims success).</param>
public sealed record SurpriseRequest(string Kind, string? Method = null, int Count = 1, int Status = 200);

/// <summary>The surprise in force (GET /admin/faults/surprise).</summary>
public sealed record SurpriseView(string? Kind, string? Method, int Remaining);
