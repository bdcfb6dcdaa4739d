namespace RescueAdSync.Config.Rescue;

/// <summary>The outcome of checking a Rescue account: success with what Rescue said, or the field at fault and why.</summary>
/// <param name="Field">The request field to blame (camelCase), null on success.</param>
/// <param name="Problem">A message for the operator, null on success; never contains the token.</param>
/// <param name="AccountId">Rescue's AccountID on success.</param>
/// <param name="Organization">Rescue's Organization on success.</param>
public sealed record RescueVerification(string? Field, string? Problem, string? AccountId, string? Organization)
{
    public bool Succeeded => Problem is null;

    public static RescueVerification Ok(string? accountId, string? organization) => new(null, null, accountId, organization);

    public static RescueVerification Failed(string field, string problem) => new(field, problem, null, null);
}
