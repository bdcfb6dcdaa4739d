namespace RescueAdSync.Contracts.Config;

/// <summary>The Rescue account as submitted by an administrator (PUT /api/rescue-account). Write-only secrets.</summary>
/// <param name="ApiBaseUrl">Rescue API base URL, e.g. https://secure.logmeinrescue.com/API/.</param>
/// <param name="MahEmail">The Master Account Holder's email.</param>
/// <param name="MahPassword">The Master Account Holder's password (secret).</param>
/// <param name="ServiceToken">The service token generated in the Admin Center, sent as authcode (secret).</param>
/// <param name="DefaultPassword">The first-login password of every new technician (secret).</param>
public sealed record RescueAccountSettings(
    string ApiBaseUrl,
    string MahEmail,
    string MahPassword,
    string ServiceToken,
    string DefaultPassword);
