using System.Diagnostics;
using System.Globalization;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Reader;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reliability;

// The soak run: a sustained rate of directory changes for a long time, with the reader's and provisioner's memory, the
// queue depth and the sync lag sampled and printed (never asserted on: timings depend on the machine).
public sealed partial class DirectoryChangeStream
{
    /// <summary>One sample of a soak run.</summary>
    /// <param name="OldestUnappliedSeconds">Age of the oldest directory change not yet visible in Rescue: the lag an operator sees.</param>
    /// <param name="ProvisionerLagSeconds">Mean of adsync_sync_lag_seconds over the sample's window (reader observed → applied), NaN if none.</param>
    public sealed record SoakSample(TimeSpan At, int Changes, long ReaderRssKb, long ProvisionerRssKb, int QueueDepth,
        double OldestUnappliedSeconds, double ProvisionerLagSeconds)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"t={At.TotalSeconds,6:0} s  changes={Changes,5}  reader RSS={ReaderRssKb / 1024.0,6:0.0} MB  provisioner RSS={ProvisionerRssKb / 1024.0,6:0.0} MB  queue={QueueDepth,4}  oldest unapplied={OldestUnappliedSeconds,5:0.0} s  provisioner lag={ProvisionerLagSeconds,5:0.00} s");
    }

    /// <summary>
    /// Changes the directory every <paramref name="changeInterval"/> for <paramref name="duration"/> (creates, mail changes,
    /// removals of users already in Rescue, in a fixed rotation), sampling every <paramref name="sampleInterval"/>; then waits
    /// for quiet and makes the full comparison. Returns the samples; each is also passed to <paramref name="print"/>.
    /// </summary>
    public async Task<IReadOnlyList<SoakSample>> SoakAsync(TimeSpan duration, TimeSpan changeInterval, TimeSpan sampleInterval,
        Action<string> print)
    {
        var clock = Stopwatch.StartNew();
        var samples = new List<SoakSample>();
        var members = new List<string>(); // created by the soak and still members: mail changes go here
        var fresh = new List<string>();   // members never changed since their creation: removal candidates
        var pending = new Dictionary<string, (string Mail, string Status, TimeSpan WrittenAt)>();
        var mailVersions = new Dictionary<string, int>();
        var provisioner = Stack.Service("provisioner");
        var reader = Stack.Service("ad-reader");
        var lastLag = (Sum: 0.0, Count: 0.0);
        var nextSample = TimeSpan.Zero;
        var changes = 0;
        using var ldap = new LdapAdmin(_slapd.Url, _slapd.AdminDn, _slapd.AdminPassword);
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            if (clock.Elapsed >= nextSample)
            {
                nextSample += sampleInterval;
                var technicians = await Stack.Emulator.GetTechniciansAsync();
                foreach (var technician in technicians)
                {
                    if (pending.TryGetValue(technician.Name, out var expected) && technician.Email == expected.Mail && technician.Status == expected.Status)
                    {
                        pending.Remove(technician.Name);
                    }
                }
                var lagSum = await SyncStack.MetricSumAsync(provisioner, "adsync_sync_lag_seconds_sum");
                var lagCount = await SyncStack.MetricSumAsync(provisioner, "adsync_sync_lag_seconds_count");
                var lag = lagCount > lastLag.Count ? (lagSum - lastLag.Sum) / (lagCount - lastLag.Count) : double.NaN;
                lastLag = (lagSum, lagCount);
                var sample = new SoakSample(clock.Elapsed, changes, RssKb(reader), RssKb(provisioner),
                    await Stack.GetBacklogAsync(),
                    pending.Count == 0 ? 0 : (clock.Elapsed - pending.Values.Min(p => p.WrittenAt)).TotalSeconds, lag);
                samples.Add(sample);
                print(sample.ToString());
            }

            string key;
            switch (i % 4)
            {
                case 0:
                case 1:
                    key = $"s{i}";
                    var dn = UserDn(_ou, key);
                    ldap.Add(dn, Person(key, _id));
                    ldap.AddValue(_group, "member", dn);
                    members.Add(key);
                    fresh.Add(key);
                    pending[Name(key)] = (Mail($"{key}{_id}", 1), "Enabled", clock.Elapsed);
                    break;
                case 2 when members.Count > 0:
                    key = members[i / 4 % members.Count];
                    var version = mailVersions[key] = mailVersions.GetValueOrDefault(key, 1) + 1;
                    ldap.Replace(UserDn(_ou, key), "mail", Mail($"{key}{_id}", version));
                    fresh.Remove(key);
                    Expect(pending, Name(key), Mail($"{key}{_id}", version), "Enabled", clock.Elapsed);
                    break;
                case 3:
                    // Only a user Rescue already has is removed: the expected state (non-member → Disabled) assumes the sync saw it.
                    var known = (await Stack.Emulator.GetTechniciansAsync()).Select(t => t.Name).ToHashSet();
                    var victim = fresh.FirstOrDefault(k => known.Contains(Name(k)));
                    if (victim is null)
                    {
                        continue;
                    }

                    lock (_everRemoved)
                    {
                        _everRemoved.Add($"{victim}{_id}");
                    }

                    ldap.RemoveValue(_group, "member", UserDn(_ou, victim));
                    fresh.Remove(victim);
                    members.Remove(victim);
                    Expect(pending, Name(victim), Mail($"{victim}{_id}", 1), "Disabled", clock.Elapsed);
                    break;
                default:
                    continue;
            }
            changes++;
            await Task.Delay(changeInterval);
        }

        var drain = Stopwatch.StartNew();
        await WaitUntilConvergedAsync(TimeSpan.FromMinutes(5), "the end of the soak");
        print(string.Create(CultureInfo.InvariantCulture,
            $"{changes} changes in {clock.Elapsed.TotalSeconds:0} s; converged {drain.Elapsed.TotalSeconds:0.0} s after the last change; reader RSS {RssKb(reader) / 1024.0:0.0} MB, provisioner RSS {RssKb(provisioner) / 1024.0:0.0} MB at the end"));
        await Stack.WaitForRescueQuietAsync(QuietPeriod, "after the soak converged");
        await AssertMatchesDirectoryAsync();
        return samples;
    }

    private string Name(string key) => $"User {key} {_id}";

    // A change superseding an unapplied one keeps the older write time: the operator waits since then.
    private static void Expect(Dictionary<string, (string Mail, string Status, TimeSpan WrittenAt)> pending, string name, string mail, string status, TimeSpan now) =>
        pending[name] = (mail, status, pending.TryGetValue(name, out var old) ? old.WrittenAt : now);

    /// <summary>Resident memory of a running service from /proc (kB), 0 if it is not running.</summary>
    private static long RssKb(ServiceProcess service)
    {
        if (service.ProcessId is not { } pid)
        {
            return 0;
        }

        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
