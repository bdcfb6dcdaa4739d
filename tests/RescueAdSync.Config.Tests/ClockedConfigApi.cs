using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// The factory's config service (same settings, same database) telling time by <see cref="Time"/>, a clock the test
/// moves: a lease lapses or an entry ages exactly when the test says, however busy the machine.
/// </summary>
public sealed class ClockedConfigApi(ConfigApiFactory factory, DateTimeOffset start) : IAsyncDisposable
{
    public FakeTimeProvider Time { get; } = new(start);

    private WebApplicationFactory<Program>? _app;

    public HttpClient Admin => Client(ConfigApiFactory.AdminKey);

    public HttpClient Reader => Client(ConfigApiFactory.ReaderKey);

    public HttpClient Provisioner => Client(ConfigApiFactory.ProvisionerKey);

    public HttpClient Client(string key)
    {
        _app ??= factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Time)));
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;
}
