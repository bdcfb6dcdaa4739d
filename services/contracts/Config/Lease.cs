namespace RescueAdSync.Contracts.Config;

/// <summary>A leader lease held in the config store: "exactly one active reader per directory" outside Kubernetes.</summary>
/// <param name="Name">The lease name, e.g. the directory it guards.</param>
/// <param name="Holder">The current holder.</param>
/// <param name="AcquiredAt">When this holder acquired it (renewals keep this time).</param>
/// <param name="ExpiresAt">When it lapses unless renewed; after that any holder may take it.</param>
public sealed record Lease(string Name, string Holder, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);
