using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using DnsClient;
using Microsoft.Extensions.Logging;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>
/// The servers a directory connection is asked at, in order: its server URLs as given, or, for a connection with a
/// domain, the domain controllers that DNS names. SRV records <c>_ldap._tcp.&lt;site&gt;._sites.dc._msdcs.&lt;domain&gt;</c>
/// (when a site is set) then <c>_ldap._tcp.dc._msdcs.&lt;domain&gt;</c>, the first that has any, ordered as RFC 2782 says
/// (<see cref="SrvOrder"/>). With tlsMode Ldaps the <c>_ldaps._tcp</c> records are asked first and their ports used; when
/// there are none the <c>_ldap</c> targets are reached at ldaps:// port 636. URLs carry the SRV target's host name, so
/// that libldap checks the certificate against it. What DNS said is kept for an hour, and forgotten when every domain
/// controller it named has failed. The reader and the config service's group look-ups share this, so they ask the same
/// servers in the same order.
/// </summary>
public sealed partial class DomainControllerLocator
{
    /// <summary>How long an answer from DNS is used before DNS is asked again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private static readonly TimeSpan DnsTimeout = TimeSpan.FromSeconds(3);

    private readonly TimeProvider _time;
    private readonly ILogger<DomainControllerLocator> _logger;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, Discovery> _known = new(StringComparer.Ordinal);

    public DomainControllerLocator(TimeProvider time, ILogger<DomainControllerLocator> logger)
        : this(time, logger, Random.Shared)
    {
    }

    /// <summary>With a given random source: a seeded one makes the weighted order repeatable.</summary>
    public DomainControllerLocator(TimeProvider time, ILogger<DomainControllerLocator> logger, Random random)
    {
        _time = time;
        _logger = logger;
        _random = random;
    }

    private sealed record Discovery(IReadOnlyList<string> Urls, DateTimeOffset At);

    /// <summary>
    /// The URLs to try, lazily: <paramref name="preferred"/> first when it is among them (the server that worked last).
    /// For a domain, when the caller has tried every known domain controller and asks for more, DNS is asked again and
    /// the ones not tried yet follow; once those are exhausted too, the next call asks DNS afresh. Throws
    /// <see cref="DirectoryConnectionException"/> when DNS names no domain controller.
    /// </summary>
    public IEnumerable<string> Candidates(DirectoryConnectionSettings settings, string? preferred = null)
    {
        var domain = NormalizeDomain(settings.Domain);
        if (domain is null)
        {
            foreach (var url in (settings.ServerUrls ?? []).OrderBy(url => url == preferred ? 0 : 1))
            {
                yield return url;
            }
            yield break;
        }

        var key = $"{domain}|{settings.Site?.Trim().ToLowerInvariant()}|{settings.DnsServer?.Trim()}|{settings.TlsMode}";
        var cached = _known.TryGetValue(key, out var known) && _time.GetUtcNow() - known.At < MaxAge;
        var urls = cached ? known!.Urls : Discover(settings, domain, key);
        var tried = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var url in urls.OrderBy(url => url == preferred ? 0 : 1))
        {
            tried.Add(url);
            yield return url;
        }
        if (cached)
        {
            // Every domain controller known from the last answer failed: DNS may name others by now.
            foreach (var url in Discover(settings, domain, key))
            {
                if (tried.Add(url))
                {
                    yield return url;
                }
            }
        }
        _known.TryRemove(key, out _);
    }

    private IReadOnlyList<string> Discover(DirectoryConnectionSettings settings, string domain, string key)
    {
        // An answer that cannot be renewed is not kept either: the next connect asks DNS again.
        _known.TryRemove(key, out _);
        var client = CreateClient(settings.DnsServer);
        var asked = string.Join(", ", client.NameServers.Select(server => server.ToString()));
        var site = string.IsNullOrWhiteSpace(settings.Site) ? null : settings.Site.Trim();
        var errors = new List<string>();
        var ldaps = settings.TlsMode == DirectoryTlsMode.Ldaps;
        IReadOnlyList<SrvTarget> records = ldaps ? Lookup(client, "_ldaps", domain, site, errors) : [];
        int? port = null;
        if (records.Count == 0)
        {
            records = Lookup(client, "_ldap", domain, site, errors);
            port = ldaps ? 636 : null;
        }
        if (records.Count == 0)
        {
            var detail = errors.Count == 0 ? "" : $": {string.Join("; ", errors)}";
            throw new DirectoryConnectionException($"No domain controller found for {domain} in DNS (asked {asked}{detail}).");
        }

        IReadOnlyList<SrvTarget> ordered;
        lock (_random)
        {
            ordered = SrvOrder.Order(records, _random);
        }
        var scheme = ldaps ? "ldaps" : "ldap";
        var urls = ordered.Select(target => $"{scheme}://{target.Host}:{port ?? target.Port}").Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        _known[key] = new Discovery(urls, _time.GetUtcNow());
        _logger.DomainControllersDiscovered(domain, asked, string.Join(", ", urls));
        return urls;
    }

    private static List<SrvTarget> Lookup(LookupClient client, string service, string domain, string? site, List<string> errors)
    {
        string[] names = site is null
            ? [$"{service}._tcp.dc._msdcs.{domain}"]
            : [$"{service}._tcp.{site}._sites.dc._msdcs.{domain}", $"{service}._tcp.dc._msdcs.{domain}"];
        foreach (var name in names)
        {
            IDnsQueryResponse response;
            try
            {
                response = client.Query(name, QueryType.SRV);
            }
            catch (DnsResponseException ex)
            {
                errors.Add($"{name}: {ex.Message}");
                continue;
            }
            if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
            {
                errors.Add($"{name}: {response.ErrorMessage}");
                continue;
            }
            // A lone target "." says the service is decidedly not available there (RFC 2782).
            var records = response.Answers.SrvRecords()
                .Select(record => new SrvTarget(record.Target.Value.TrimEnd('.'), record.Port, record.Priority, record.Weight))
                .Where(target => target.Host.Length > 0)
                .ToList();
            if (records.Count > 0)
            {
                return records;
            }
        }
        return [];
    }

    private static LookupClient CreateClient(string? dnsServer)
    {
        // Our own hour-long memory replaces DnsClient's cache: a failed domain controller must lead to a fresh answer.
        var options = TryParseDnsServer(dnsServer, out var endpoint) ? new LookupClientOptions(endpoint) : new LookupClientOptions();
        options.UseCache = false;
        options.Timeout = DnsTimeout;
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        return new LookupClient(options);
    }

    /// <summary>The domain as stored: trimmed, lower-case, without a trailing dot; null when blank.</summary>
    public static string? NormalizeDomain(string? domain) =>
        string.IsNullOrWhiteSpace(domain) ? null : domain.Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>The naming context of an Active Directory domain: corp.example.com is DC=corp,DC=example,DC=com.</summary>
    public static string BaseDnOf(string domain) =>
        string.Join(",", NormalizeDomain(domain)!.Split('.').Select(label => $"DC={label}"));

    /// <summary>A DNS name: letters, digits and '-' in labels of 1 to 63, not starting or ending with '-', 253 at most.</summary>
    public static bool IsValidDomain(string domain)
    {
        var normalized = NormalizeDomain(domain);
        return normalized is { Length: <= 253 } && normalized.Split('.').All(label => Label().IsMatch(label));
    }

    /// <summary>An Active Directory site name as it appears in DNS: one label.</summary>
    public static bool IsValidSite(string site) => Label().IsMatch(site.Trim());

    /// <summary>An IP address with an optional port (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53); 53 when none is given.</summary>
    public static bool TryParseDnsServer(string? text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.None, 0);
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        if (IPAddress.TryParse(value, out var address) && !value.StartsWith('[') && IsDottedQuadOrIPv6(value, address))
        {
            endpoint = new IPEndPoint(address, 53);
            return true;
        }
        if (IPEndPoint.TryParse(value, out var parsed) && parsed.Port is > 0 and <= 65535
            && IsDottedQuadOrIPv6(value[..value.LastIndexOf(':')].Trim('[', ']'), parsed.Address))
        {
            endpoint = parsed;
            return true;
        }
        return false;
    }

    /// <summary>IPAddress also takes the old short forms (192.0.2 is 192.0.0.2): a name server is written in four parts.</summary>
    private static bool IsDottedQuadOrIPv6(string text, IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3;

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex Label();

}
