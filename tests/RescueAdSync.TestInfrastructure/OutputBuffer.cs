using System.Text;

namespace RescueAdSync.TestInfrastructure;

/// <summary>Lines a child process wrote, appended from its stdout and stderr reader threads.</summary>
internal sealed class OutputBuffer
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public void AppendLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _text.Append(line).Append('\n');
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }
}
