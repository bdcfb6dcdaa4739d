using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>/admin/faults/surprise: answers outside the contract (unknown result code, truncated answer, HTML error page).</summary>
public static class SurprisesApi
{
    public static RouteGroupBuilder MapSurprisesApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/faults/surprise", (SurpriseInjector surprises) => TypedResults.Ok(surprises.View()));
        admin.MapPost("/faults/surprise", Set);
        admin.MapDelete("/faults/surprise", (SurpriseInjector surprises) =>
        {
            surprises.Clear();
            return TypedResults.NoContent();
        });
        return admin;
    }

    public static Ok<SurpriseView> Set(SurpriseRequest request, SurpriseInjector surprises)
    {
        surprises.Set(request);
        return TypedResults.Ok(surprises.View());
    }

    /// <summary>
    /// Answers a surprise that replaces the call (unknown code, HTML page): true when it answered and the call must not be
    /// applied. A truncated answer is written by <see cref="WriteTruncatedAsync"/> after the call was applied.
    /// </summary>
    public static async Task<bool> TryAnswerInsteadAsync(SurpriseRequest surprise, string method, HttpContext context,
        IReadOnlyDictionary<string, string> parameters, CallLog log)
    {
        var ct = context.RequestAborted;
        switch (surprise.Kind)
        {
            case SurpriseInjector.UnknownCode:
                log.Add(method, context.Request.Method, parameters, SurpriseInjector.UnknownCodeText, 200);
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync($"{SurpriseInjector.UnknownCodeText}\r\n", Encoding.UTF8, ct);
                return true;
            case SurpriseInjector.HtmlPage:
                log.Add(method, context.Request.Method, parameters, "HTML_PAGE", surprise.Status);
                context.Response.StatusCode = surprise.Status;
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(
                    "<!DOCTYPE html>\n<html><head><title>Runtime Error</title></head>\n<body><h1>Server Error in '/API' Application.</h1>\n" +
                    "<p>An application error occurred on the server.</p></body></html>\n", Encoding.UTF8, ct);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The call was applied; its answer promises its full length, sends half and the connection closes.</summary>
    public static async Task WriteTruncatedAsync(string method, HttpContext context, IReadOnlyDictionary<string, string> parameters,
        CallLog log, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        log.Add(method, context.Request.Method, parameters, "TRUNCATED", 200);
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes.AsMemory(0, Math.Max(1, bytes.Length / 2)), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        context.Abort();
    }
}
