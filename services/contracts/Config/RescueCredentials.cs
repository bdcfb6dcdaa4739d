namespace RescueAdSync.Contracts.Config;

/// <summary>What the provisioner needs to call Rescue (GET /api/rescue-account/credentials, provisioner role only).</summary>
/// <param name="ApiBaseUrl">Rescue API base URL.</param>
/// <param name="ServiceToken">Sent as authcode on every call (secret).</param>
/// <param name="DefaultPassword">Set on every technician the sync creates (secret).</param>
/// <param name="UpdatedAt">When the account last changed; a new value means a new token may be in force.</param>
public sealed record RescueCredentials(string ApiBaseUrl, string ServiceToken, string DefaultPassword, DateTimeOffset UpdatedAt);
