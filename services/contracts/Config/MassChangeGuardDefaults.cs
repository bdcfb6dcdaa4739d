namespace RescueAdSync.Contracts.Config;

/// <summary>The mass-change guard's defaults (rule 10, docs/rules.md), shared by the config service, the reader and the CLI.</summary>
public static class MassChangeGuardDefaults
{
    /// <summary>A cycle that would disable more than 50 technicians of one mapping waits for an operator.</summary>
    public const int MaxDisables = 50;

    /// <summary>A cycle that would disable more than 20 % of a mapping's enabled members waits for an operator...</summary>
    public const int MaxDisablePercent = 20;

    /// <summary>...but only from 10 disables on: in a group of 12, losing 3 people is ordinary turnover, not an outage.</summary>
    public const int PercentRuleMinimum = 10;
}
