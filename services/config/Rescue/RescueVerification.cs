using Microsoft.AspNetCore.Http.HttpResults;

namespace RescueAdSync.Config.Rescue;

/// <summary>The outcome of checking a Rescue account: success with what Rescue said, or the field at fault and why.</summary>
/// <param name="Field">The request field to blame (camelCase), null on success.</param>
/// <param name="Problem">A message for the operator, null on success; never contains the token.</param>
/// <param name="AccountId">Rescue's AccountID on success.</param>
/// <param name="Organization">Rescue's Organization on success.</param>
/// <param name="Unreachable">Rescue gave no usable answer (no connection, no answer in time, HTTP 5xx): the request may
/// well be right, so the refusal is a 503 to submit again rather than a 400.</param>
public sealed record RescueVerification(string? Field, string? Problem, string? AccountId, string? Organization, bool Unreachable = false)
{
    public bool Succeeded => Problem is null;

    public static RescueVerification Ok(string? accountId, string? organization) => new(null, null, accountId, organization);

    public static RescueVerification Failed(string field, string problem) => new(field, problem, null, null);

    public static RescueVerification NotReached(string field, string problem) => new(field, problem, null, null, Unreachable: true);

    /// <summary>
    /// The API's refusal: 400 with the fields at fault, or 503 when every failure was Rescue not answering (nothing is
    /// wrong with the request as far as anyone knows; the set-up job and the operator submit it again).
    /// </summary>
    public static ProblemHttpResult Refusal(IDictionary<string, string[]> errors, bool unreachable, string title) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = unreachable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status400BadRequest,
            Title = unreachable ? $"{title} Rescue could not be reached; submit it again." : title,
        });

    /// <summary>This failure as the API's refusal (see <see cref="Refusal"/>).</summary>
    public ProblemHttpResult ToRefusal(string title) =>
        Refusal(new Dictionary<string, string[]> { [Field!] = [Problem!] }, Unreachable, title);
}
