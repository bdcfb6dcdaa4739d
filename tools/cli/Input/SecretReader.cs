using System.Text;

namespace RescueAdSync.Cli.Input;

/// <summary>
/// Reads secrets from standard input, one per line, or prompts for them without echo on a terminal.
/// Never from arguments: those are visible to every local user in ps and /proc, and land in shell history.
/// </summary>
public static class SecretReader
{
    /// <summary>The secret, or "" to keep the stored one.</summary>
    public static string Read(string label)
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine()?.Trim() ?? "";
        }

        Console.Error.Write($"{label} (input hidden; empty keeps the stored value): ");
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return secret.ToString();
    }
}
