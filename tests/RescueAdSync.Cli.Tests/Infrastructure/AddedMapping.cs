namespace RescueAdSync.Cli.Tests.Infrastructure;

/// <summary>A mapping a test created, with the emulator Technician Group it points to.</summary>
public sealed record AddedMapping(Guid Id, long TechnicianGroupId);
