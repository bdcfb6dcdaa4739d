using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// The real config service in memory, on its own temporary SQLite file, in Production mode with a random secret key.
/// One per test class (IClassFixture); settings can be changed before the first client is created.
/// </summary>
public class ConfigApiFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string ReaderKey = "test-reader-key-0123456789";
    public const string ProvisionerKey = "test-provisioner-key-0123456789";

    public ConfigApiFactory()
        : this(Path.Combine(Path.GetTempPath(), "adsync-config-tests-" + Guid.NewGuid().ToString("N")))
    {
    }

    internal ConfigApiFactory(string directoryPath)
    {
        DirectoryPath = directoryPath;
        Directory.CreateDirectory(DirectoryPath);
        Settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Config"] = $"Data Source={DatabasePath}",
            ["Secrets:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth:ApiKeys:0:Key"] = AdminKey,
            ["Auth:ApiKeys:0:Role"] = "admin",
            ["Auth:ApiKeys:1:Key"] = ReaderKey,
            ["Auth:ApiKeys:1:Role"] = "reader",
            ["Auth:ApiKeys:2:Key"] = ProvisionerKey,
            ["Auth:ApiKeys:2:Role"] = "provisioner",
            // The 401 tests fail on purpose many times; the limiter has its own test.
            ["Auth:FailedAttemptsPerMinute"] = "100000",
        };
    }

    public string DirectoryPath { get; }

    public string DatabasePath => Path.Combine(DirectoryPath, "config.db");

    public Dictionary<string, string?> Settings { get; }

    public string EnvironmentName { get; set; } = "Production";

    public LogCollector Logs { get; } = new();

    /// <summary>False to keep the database for another factory (a restart with a rotated key).</summary>
    public bool DeleteOnDispose { get; set; } = true;

    public HttpClient Admin => ClientWithKey(AdminKey);

    public HttpClient Reader => ClientWithKey(ReaderKey);

    public HttpClient Provisioner => ClientWithKey(ProvisionerKey);

    public HttpClient ClientWithKey(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>What the database holds, read around the service: for SQLite every byte of the file and its write-ahead log.</summary>
    public virtual Task<byte[]> ReadStoredBytesAsync() => Task.FromResult(ReadDatabaseFiles());

    private byte[] ReadDatabaseFiles()
    {
        SqliteConnection.ClearAllPools();
        return Directory.GetFiles(DirectoryPath, "config.db*")
            .Where(path => !path.EndsWith(".key", StringComparison.Ordinal))
            .SelectMany(path =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                return memory.ToArray();
            })
            .ToArray();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && DeleteOnDispose)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DirectoryPath, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open only leaves a temp folder behind; not worth failing a test for.
            }
        }
    }
}
