using System.Diagnostics;
using System.Globalization;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.EndToEnd;

// "Nothing else happens" measured by counters that stop moving, never by a bare sleep: Rescue's call log for the calls
// the stack makes, the reader's poll count for "several poll cycles went by".
public sealed partial class SyncStack
{
    /// <summary>
    /// Waits until the emulator's call log has not grown for <paramref name="quiet"/> and returns the number of its last
    /// call. Fails (naming <paramref name="what"/>) if Rescue is still being called after <paramref name="timeout"/>: calls
    /// that never stop are exactly what a quiet period must catch.
    /// </summary>
    public async Task<long> WaitForRescueQuietAsync(TimeSpan quiet, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var last = LastSequence(await Emulator.GetCallsAsync(), 0);
        IReadOnlyList<EmulatedCall> latest = [];
        var unchanged = Stopwatch.StartNew();
        while (unchanged.Elapsed < quiet)
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"Rescue was still being called after {limit.TotalSeconds:0} s ({what}): the call log reached "
                    + $"#{last}, the latest calls: {string.Join("; ", latest.TakeLast(10).Select(c => $"#{c.Sequence} {c.Method} {c.Result}"))}\n{Output}");
            }

            await Task.Delay(250);
            var calls = await Emulator.GetCallsAsync(after: last);
            if (calls.Count > 0)
            {
                latest = calls;
                last = LastSequence(calls, last);
                unchanged.Restart();
            }
        }

        return last;
    }

    /// <summary>
    /// Waits until the ad-reader has completed <paramref name="polls"/> more whole polls (its
    /// <c>adsync_reader_poll_duration_seconds_count</c>), running <paramref name="check"/> after each one it sees, so that a
    /// state which must hold "over several poll cycles" is checked in every one of them.
    /// </summary>
    public async Task WaitForReaderPollsAsync(int polls, string what, Func<Task>? check = null, TimeSpan? timeout = null)
    {
        var reader = Service("ad-reader");
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        var start = await ReaderPollCountAsync(reader);
        var seen = start;
        while (seen < start + polls)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The reader completed {seen - start} of {polls} polls ({what}).\n{Output}");
            }

            await Task.Delay(200);
            var now = await ReaderPollCountAsync(reader);
            if (now != seen)
            {
                seen = now;
                if (check is not null)
                {
                    await check();
                }
            }
        }
    }

    private static long LastSequence(IReadOnlyList<EmulatedCall> calls, long none) => calls.Count == 0 ? none : calls.Max(c => c.Sequence);

    private async Task<long> ReaderPollCountAsync(ServiceProcess reader)
    {
        const string name = "adsync_reader_poll_duration_seconds_count ";
        var line = (await GetMetricsAsync(reader)).Split('\n').FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is null ? 0 : (long)double.Parse(line[name.Length..], CultureInfo.InvariantCulture);
    }
}
