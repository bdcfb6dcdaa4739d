namespace RescueAdSync.Contracts.Config;

/// <summary>
/// Body of POST /api/leases/{name} (reader role): acquire the named lease, or renew it when
/// <paramref name="Holder"/> already holds it. 200 with the <see cref="Lease"/>; 409 with the current holder and
/// expiry while another holder's lease has not expired.
/// </summary>
/// <param name="Holder">Who asks: unique per process (host name and a random id), at most 200 characters.</param>
/// <param name="TtlSeconds">How long the lease lasts without a renewal, 1 to 3600 seconds.</param>
public sealed record LeaseRequest(string Holder, int TtlSeconds);
