using System.CommandLine;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary>The mass-change guard's thresholds as options of <c>adsync mapping add|update</c>.</summary>
public static class GuardOptions
{
    public static (Option<int?> MaxDisables, Option<int?> MaxPercent) Create() => (
        new Option<int?>("--guard-max-disables")
        {
            Description = $"Hold a cycle that would disable more technicians than this (0-1000000; default {MassChangeGuardDefaults.MaxDisables}; 0 holds every disable).",
        },
        new Option<int?>("--guard-max-percent")
        {
            Description = $"Hold a cycle that would disable more than this % of the enabled members, from {MassChangeGuardDefaults.PercentRuleMinimum} disables on (1-100; default {MassChangeGuardDefaults.MaxDisablePercent}; 100 turns it off).",
        });

    public static string Describe(Mapping mapping) =>
        $"hold above {mapping.GuardMaxDisables} disables or {mapping.GuardMaxDisablePercent} %"
        + (mapping.OpenPlanStatus is { } status ? $"; plan {mapping.OpenPlanId} {status}" : "");
}
