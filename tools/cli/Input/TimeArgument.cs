using System.Globalization;
using System.Text.RegularExpressions;

namespace RescueAdSync.Cli.Input;

/// <summary>A point in time given as a duration back from now (<c>30m</c>, <c>2h</c>, <c>7d</c>) or as an ISO 8601 timestamp.</summary>
public static partial class TimeArgument
{
    public static DateTimeOffset Parse(string option, string value, DateTimeOffset now)
    {
        var match = Duration().Match(value.Trim());
        if (match.Success)
        {
            var amount = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return now - match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        // Without an offset a timestamp is taken as UTC: the log's times are UTC, and a server's local zone is a guess.
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new CliException(ExitCodes.Usage,
            $"{option}: '{value}' is neither a duration (30s, 15m, 2h, 7d) nor a timestamp (2026-01-31T08:00:00Z).");
    }

    [GeneratedRegex("^([0-9]{1,6})([smhd])$")]
    private static partial Regex Duration();
}
