using System.Globalization;
using System.Text;
using RescueAdSync.Contracts.Previews;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// A preview's plan as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled).
/// Directory values reach spreadsheets here, so a cell that a spreadsheet would run as a formula (starting with = + - @,
/// also after leading blanks, or with a tab or a carriage return) is prefixed with a single quote (OWASP "CSV injection").
/// </summary>
public static class PreviewCsv
{
    public static readonly string[] Header =
    [
        "action", "mapping_id", "directory_user_id", "distinguished_name", "directory_state", "technician_node_id",
        "name_before", "name_after", "email_before", "email_after", "status_before", "status_after", "note",
    ];

    public static string Write(IEnumerable<PreviewItem> items)
    {
        var csv = new StringBuilder();
        Line(csv, Header);
        foreach (var item in items)
        {
            Line(csv,
            [
                item.Action.ToString(), item.MappingId.ToString(), item.DirectoryUserId, item.DistinguishedName, item.DirectoryState.ToString(),
                item.TechnicianNodeId?.ToString(CultureInfo.InvariantCulture),
                item.Before?.Name, item.After?.Name, item.Before?.Email, item.After?.Email,
                Status(item.Before), Status(item.After), item.Note,
            ]);
        }
        return csv.ToString();
    }

    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        // Spreadsheets skip leading blanks before deciding a cell is a formula: " =1+1" runs too.
        var first = value.AsSpan().TrimStart(" \t\r\n\u00A0");
        if (value[0] is '\t' or '\r' || (first.Length > 0 && first[0] is '=' or '+' or '-' or '@'))
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static string? Status(TechnicianFields? fields) => fields is null ? null : fields.Enabled ? "Enabled" : "Disabled";

    private static void Line(StringBuilder csv, IEnumerable<string?> cells)
    {
        csv.AppendJoin(',', cells.Select(Cell));
        csv.Append("\r\n");
    }
}
