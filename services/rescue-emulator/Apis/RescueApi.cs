using System.Globalization;
using System.Text;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>The Rescue API of docs/rescue-api.md: /API/&lt;method&gt;.aspx, form POST or GET, plain-text answers, HTTP 200 for every result code.</summary>
public static class RescueApi
{
    private const string SessionCookie = "ASP.NET_SessionId";

    private delegate ApiResult Handler(EmulatorState state, IReadOnlyDictionary<string, string> parameters, string? session);

    private static readonly Dictionary<string, Handler> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["requestAuthCode"] = (s, p, _) => s.RequestAuthCode(p),
        // login is special-cased in HandleAsync because it sets the session cookie.
        ["login"] = (_, _, _) => ApiResult.Of("ERROR"),
        ["getAccount"] = (s, p, c) => s.GetAccount(p, c),
        ["getHierarchy_v2"] = (s, p, c) => s.GetHierarchy(p, c),
        ["getGroup"] = (s, p, c) => s.GetGroup(p, c),
        ["getUser_v3"] = (s, p, c) => s.GetUser(p, c),
        ["createUser"] = (s, p, c) => s.CreateUser(p, c),
        ["setUser_v2"] = (s, p, c) => s.SetUser(p, c),
        ["moveNode"] = (s, p, c) => s.MoveNode(p, c),
        ["deleteNode"] = (s, p, c) => s.DeleteNode(p, c),
    };

    public static IEndpointRouteBuilder MapRescueApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/API/{method}.aspx", [HttpMethods.Get, HttpMethods.Post], HandleAsync).DisableAntiforgery();
        return app;
    }

    private static async Task HandleAsync(string method, HttpContext context, EmulatorState state, FaultInjector faults, LostAnswers lostAnswers, CallLog log,
        SurpriseInjector surprises, TimeProvider time)
    {
        var ct = context.RequestAborted;
        var parameters = await ReadParametersAsync(context.Request, ct);
        var canonical = Methods.Keys.FirstOrDefault(k => string.Equals(k, method, StringComparison.OrdinalIgnoreCase)) ?? method;
        var fault = faults.Next();
        if (fault.Latency > TimeSpan.Zero)
        {
            await Task.Delay(fault.Latency, time, ct);
        }

        if (fault.Reset)
        {
            log.Add(canonical, context.Request.Method, parameters, "CONNECTION_RESET", 0);
            context.Abort();
            return;
        }
        if (fault.HttpStatus is { } status)
        {
            log.Add(canonical, context.Request.Method, parameters, $"HTTP_{status}", status);
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = ((int)fault.RetryAfter!.Value.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await context.Response.WriteAsync(status == 429 ? "Too Many Requests" : "Service Unavailable", ct);
            return;
        }
        if (!Methods.TryGetValue(method, out var handler))
        {
            log.Add(canonical, context.Request.Method, parameters, "HTTP_404", 404);
            context.Response.StatusCode = 404;
            return;
        }
        var surprise = surprises.Next(canonical);
        if (surprise is not null && await SurprisesApi.TryAnswerInsteadAsync(surprise, canonical, context, parameters, log))
        {
            return;
        }

        ApiResult result;
        if (string.Equals(canonical, "login", StringComparison.OrdinalIgnoreCase))
        {
            result = state.Login(parameters, out var session);
            if (session is not null)
            {
                context.Response.Cookies.Append(SessionCookie, session, new CookieOptions { HttpOnly = true });
            }
        }
        else
        {
            result = handler(state, parameters, context.Request.Cookies[SessionCookie]);
        }
        if (surprise is { Kind: SurpriseInjector.Truncated })
        {
            await SurprisesApi.WriteTruncatedAsync(canonical, context, parameters, log, result.Render());
            return;
        }
        if (lostAnswers.Take(canonical))
        {
            // Done, but the caller never hears of it.
            log.Add(canonical, context.Request.Method, parameters, $"{result.Code}_ANSWER_LOST", 0);
            context.Abort();
            return;
        }
        log.Add(canonical, context.Request.Method, parameters, result.Code, 200);
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(result.Render(), Encoding.UTF8, ct);
    }

    // Query and form merged, names case-insensitive as the real service treats them; form wins over query.
    private static async Task<IReadOnlyDictionary<string, string>> ReadParametersAsync(HttpRequest request, CancellationToken ct)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in request.Query)
        {
            parameters[key] = value.ToString();
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            foreach (var (key, value) in form)
            {
                parameters[key] = value.ToString();
            }
        }
        return parameters;
    }
}
