namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>One DNS SRV record's target: the host to connect to (no trailing dot), its port, priority and weight.</summary>
public sealed record SrvTarget(string Host, int Port, int Priority, int Weight);
