using System.Globalization;

namespace RescueAdSync.Cli.Output;

/// <summary>How values look in the human tables; JSON output keeps the API's own representation.</summary>
public static class Formats
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    public static string SetOrNot(bool set) => set ? "set" : "not set";

    public static string YesNo(bool value) => value ? "yes" : "no";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
