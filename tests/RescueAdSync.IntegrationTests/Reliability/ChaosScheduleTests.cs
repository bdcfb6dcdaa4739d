namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>The chaos run's schedule without any server: a seed replays its faults, and the plan keeps to its bounds.</summary>
public sealed class ChaosScheduleTests
{
    private static readonly ChaosFault[] Catalogue =
    [
        new("kill -9 provisioner", 3, n => $"provisioner {n}", (_, _) => Task.CompletedTask),
        new("stop slapd", 1, _ => "slapd", (_, _) => Task.CompletedTask),
        new("rescue 5xx burst", 3, n => $"status {n}", (_, _) => Task.CompletedTask),
    ];

    [Fact]
    public void The_same_seed_plans_the_same_faults_and_another_seed_a_different_sequence()
    {
        var first = ChaosSchedule.Plan(1234, Catalogue).Take(50).Select(s => s.ToString()).ToList();
        var replay = ChaosSchedule.Plan(1234, Catalogue).Take(50).Select(s => s.ToString()).ToList();
        var other = ChaosSchedule.Plan(1235, Catalogue).Take(50).Select(s => s.ToString()).ToList();

        Assert.Equal(first, replay);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Every_planned_fault_hits_an_existing_target_with_an_outage_of_1_to_8_s_and_a_gap_of_5_to_20_s()
    {
        var steps = ChaosSchedule.Plan(42, Catalogue).Take(500).ToList();

        Assert.All(steps, step =>
        {
            Assert.InRange(step.Target, 0, step.Fault.Targets - 1);
            Assert.InRange(step.Outage, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
            Assert.InRange(step.Gap, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));
        });
        // Every kind and every target of a kind comes up in 500 draws.
        Assert.Equal(Catalogue.Sum(f => f.Targets), steps.Select(s => (s.Fault.Kind, s.Target)).Distinct().Count());
    }
}
