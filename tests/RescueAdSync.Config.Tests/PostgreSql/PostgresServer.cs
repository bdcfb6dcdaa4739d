using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>
/// A real PostgreSQL for the test run: the Debian package's binaries in a temp folder on a free port, started once
/// and stopped when the test process exits. ADSYNC_TEST_POSTGRES (a connection string) uses a running server instead.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private PostgresServer(string adminConnectionString) => AdminConnectionString = adminConnectionString;

    public string AdminConnectionString { get; }

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A fresh, empty database per test class, so classes do not see each other's rows.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "adsync_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("ADSYNC_TEST_POSTGRES") is { Length: > 0 } external)
        {
            return new PostgresServer(external);
        }

        var bin = (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .OrderDescending()
            .Select(version => Path.Combine(version, "bin"))
            .FirstOrDefault(path => File.Exists(Path.Combine(path, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL is not installed: apt-get install -y postgresql, or set ADSYNC_TEST_POSTGRES.");

        RemoveStoppedLeftovers();
        var root = Path.Combine(Path.GetTempPath(), "adsync-config-pg-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        // initdb refuses to run as root; the folder then belongs to the postgres user.
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", root], asPostgres: false);
        }

        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"], asRoot);
        var port = FreePort();
        // Every test class has its own service and connection pool, and several run at once, some with 20 concurrent
        // requests: PostgreSQL's default of 100 connections refused some of them ("too many clients already").
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(root, "postgres.log"), "-w", "-t", "60", "start",
             "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=500"],
            asRoot);

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], asRoot).GetAwaiter().GetResult();
            // The folder goes at the next run if the test host is torn down before this line.
            TryDelete(root);
        };

        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true");
    }

    private static async Task RunAsync(string program, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (asPostgres)
        {
            foreach (var part in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(part);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    /// <summary>Folders of earlier runs whose server is stopped (no postmaster.pid): the exit handler did not get to them.</summary>
    private static void RemoveStoppedLeftovers()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), "adsync-config-pg-*"))
        {
            if (!File.Exists(Path.Combine(folder, "data", "postmaster.pid")))
            {
                TryDelete(folder);
            }
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
