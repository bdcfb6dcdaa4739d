using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace RescueAdSync.Config.Validation;

/// <summary>
/// A request the API cannot read — malformed JSON, a field of the wrong type, an unknown or missing field, a body over the
/// size limit — gets a problem that names the field and the problem in the API's words (never .NET type names), with the
/// status the server chose (400, or 413 for a body too large). A client's mistake is not a server error: nothing is logged
/// as one (an exception an <see cref="IExceptionHandler"/> handles is not logged by the exception handler middleware).
/// </summary>
public sealed partial class UnreadableRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        var (title, detail) = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? ("The request body is too large.", "Send a smaller body; the limit is set by the server.")
            : bad.InnerException is JsonException json
                ? ("The request body could not be read.", Describe(json))
                : ("The request could not be read.", WithoutTypeNames(bad.Message));
        // Like every other validation answer of the API, the field is also a key of "errors", so a form can mark it.
        var field = bad.InnerException is JsonException { Path: { Length: > 2 } path } && path.StartsWith("$.", StringComparison.Ordinal)
            ? path[2..]
            : bad.InnerException is null && Parameter().Match(bad.Message) is { Success: true } parameter ? parameter.Groups["name"].Value : null;
        var problem = field is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] });
        problem.Status = bad.StatusCode;
        problem.Title = title;
        problem.Detail = detail;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }

    /// <summary>What is wrong, and where: System.Text.Json's messages name .NET types, which mean nothing to a client.</summary>
    internal static string Describe(JsonException json)
    {
        var path = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "the body" : $"'{json.Path}'";
        var message = json.Message;
        if (UnknownMember().Match(message) is { Success: true } unknown)
        {
            return $"'{unknown.Groups["name"].Value}' is not a field of this request (at {path}).";
        }

        if (MissingMembers().Match(message) is { Success: true } missing)
        {
            return $"Required field(s) missing at {path}: {missing.Groups["names"].Value.Trim().TrimEnd('.')}.";
        }

        if (message.Contains("UTF-16", StringComparison.Ordinal) || json.InnerException?.Message.Contains("UTF-16", StringComparison.Ordinal) == true)
        {
            return $"The value at {path} is not valid text (a lone surrogate or an invalid escape).";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal) || json.InnerException is FormatException or InvalidOperationException)
        {
            return $"The value at {path} has the wrong type or is not one of the allowed values.";
        }

        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase))
        {
            return $"The value at {path} must not be null.";
        }

        // Malformed JSON: the reader's own words ("'}' is invalid after a value …"), where it stopped.
        var line = json.LineNumber is { } l ? $" (line {l + 1}, position {json.BytePositionInLine + 1})" : "";
        return $"The body is not valid JSON at {path}{line}: {WithoutTypeNames(CutAtPath().Replace(message, ""))}";
    }

    private static string WithoutTypeNames(string message) => TypeName().Replace(message, "the expected type");

    // 'Required parameter "string user" was not provided …', 'Failed to bind parameter "int take" from "x".'
    [GeneratedRegex(@"parameter ""(?:[^"" ]+ )?(?<name>\w+)""", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();

    [GeneratedRegex(@"The JSON property '(?<name>[^']*)' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"missing required properties[^:]*:(?<names>[^.]*)", RegexOptions.CultureInvariant)]
    private static partial Regex MissingMembers();

    [GeneratedRegex(@"\s*Path: .*$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex CutAtPath();

    // 'RescueAdSync.Contracts.Config.SyncLogLevel', "System.Int64 take", System.Collections.Generic.List`1[...]
    [GeneratedRegex(@"'?\b(?:System|RescueAdSync|Microsoft)\.[\w.`\[\],]+'?", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();
}
