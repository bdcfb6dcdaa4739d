using System.Net;
using System.Text;
using System.Text.Json;

namespace RescueAdSync.Cli.Api;

/// <summary>Turns an unsuccessful answer into a <see cref="CliException"/> that names every field the service refused.</summary>
public static class ApiErrors
{
    public static async Task<CliException> FromResponseAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = Describe(body, response.ReasonPhrase);
        var code = response.StatusCode switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.UnprocessableEntity => ExitCodes.Usage,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests => ExitCodes.Auth,
            HttpStatusCode.NotFound => ExitCodes.NotFound,
            _ => ExitCodes.ServerError,
        };
        var headline = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => $"The config service refused the API key (HTTP 401). Check --key / {ApiConnection.KeyVariable}.",
            HttpStatusCode.Forbidden => "The API key is valid but lacks the role for this (HTTP 403); the CLI needs an admin key.",
            HttpStatusCode.TooManyRequests => $"Too many failed authentications from this address (HTTP 429); retry after {response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 60:0} s.",
            HttpStatusCode.NotFound => $"{what}: not found (HTTP 404).",
            HttpStatusCode.BadRequest => $"{what}: the config service refused the input (HTTP 400).",
            HttpStatusCode.Conflict => $"{what}: conflict (HTTP 409).",
            HttpStatusCode.PreconditionFailed => $"{what}: changed by someone else meanwhile (HTTP 412); run the command again.",
            HttpStatusCode.ServiceUnavailable => $"{what}: a service the config service asked could not be reached (HTTP 503); nothing was changed, run the command again.",
            _ => $"{what}: HTTP {status} {response.ReasonPhrase}.",
        };
        return new CliException(code, problem.Length == 0 ? headline : $"{headline}\n{problem}");
    }

    /// <summary>ProblemDetails title, detail and field errors as indented lines; empty when the body is not one.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="reasonPhrase">Left out when the title only repeats it ("Not Found").</param>
    public static string Describe(string body, string? reasonPhrase)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "";
            }

            var text = new StringBuilder();
            if (root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String
                && !string.Equals(title.GetString(), reasonPhrase, StringComparison.OrdinalIgnoreCase))
            {
                text.Append("  ").AppendLine(title.GetString());
            }

            if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                text.Append("  ").AppendLine(detail.GetString());
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    var messages = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(m => m.ToString())
                        : [field.Value.ToString()];
                    foreach (var message in messages)
                    {
                        text.Append("  ").Append(field.Name).Append(": ").AppendLine(message);
                    }
                }
            }

            return text.ToString().TrimEnd();
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
