namespace RescueAdSync.Provisioner.Partitions;

/// <summary>Published by every provisioner instance every few seconds, so that each knows the live instances and its share of the partitions.</summary>
public sealed record ProvisionerHeartbeat(string InstanceId, DateTimeOffset SentAt);
