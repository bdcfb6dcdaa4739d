namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// One kind of fault of the chaos run: how many targets it can hit (three provisioners, three RabbitMQ nodes, …), the name
/// of a target, and what it does to one. <c>RunAsync(target, outage)</c> returns once the target is whole again: a killed
/// or stopped process or node is started again after the outage; a Rescue burst is over.
/// </summary>
public sealed record ChaosFault(string Kind, int Targets, Func<int, string> TargetName, Func<int, TimeSpan, Task> RunAsync);
