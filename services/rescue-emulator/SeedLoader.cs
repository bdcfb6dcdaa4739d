using System.Text.Json;
using Microsoft.Extensions.Options;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator;

/// <summary>Loads the seed file before the server listens; a bad file stops the start instead of serving an empty organization.</summary>
public sealed class SeedLoader(IOptions<EmulatorOptions> options, EmulatorState state, ILogger<SeedLoader> logger) : IHostedService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.SeedFile))
        {
            return;
        }

        await using var file = File.OpenRead(options.Value.SeedFile);
        var seed = await JsonSerializer.DeserializeAsync<EmulatorSeed>(file, Json, cancellationToken)
            ?? throw new InvalidOperationException($"Seed file {options.Value.SeedFile} is empty.");
        state.ApplySeed(seed);
        var snapshot = state.Snapshot();
        logger.Seeded(seed.Organization.Name, snapshot.Groups.Count, snapshot.Technicians.Count, options.Value.SeedFile);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
