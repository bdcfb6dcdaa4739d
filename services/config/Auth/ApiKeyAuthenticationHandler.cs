using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace RescueAdSync.Config.Auth;

/// <summary>Authenticates "Authorization: Bearer &lt;key&gt;" against the configured API keys.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore store,
    FailedAuthenticationLimiter limiter)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string BlockedItem = "adsync.auth.blocked";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        const string prefix = "Bearer ";
        var key = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : "";
        var found = key.Length > 0 ? store.Find(key) : null;
        if (found is not { } match)
        {
            // Only a failed authentication is counted and refused: a valid key always passes, so someone else's wrong key
            // from the same address (an operator on the host of the reader and provisioner) never locks a service out.
            var client = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            var verdict = await limiter.RecordFailureAsync(client, Context.RequestAborted);
            // The presented key is never logged: a typo of a real key is almost the key.
            Logger.ApiKeyRejected(client, verdict.Blocked ? " (past the limit of failed authentications: 429)" : "");
            if (verdict.Blocked)
            {
                Context.Items[BlockedItem] = verdict.RetryAfter;
                return AuthenticateResult.Fail("Too many failed authentications.");
            }

            return AuthenticateResult.Fail("Unknown API key.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, match.Name), new Claim(ClaimTypes.Role, match.Role)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.TryGetValue(BlockedItem, out var value) && value is TimeSpan retryAfter)
        {
            var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = Context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many failed authentications from this address.",
                    Detail = $"This address presented more than {limiter.Limit} unknown API keys within a minute. Requests from it with "
                        + $"an unknown key are refused for {seconds} more seconds (Retry-After); requests with a valid key are not affected.",
                    Extensions = { ["retryAfterSeconds"] = seconds },
                },
            });
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
    }
}
