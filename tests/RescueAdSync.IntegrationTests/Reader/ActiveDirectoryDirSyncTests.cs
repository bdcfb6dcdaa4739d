using Microsoft.Extensions.Logging;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// DirSync (1.2.840.113556.1.4.841) against the real Samba DC: used when the bind account may (Administrator), its cookie
/// kept in the reader state; refused for an ordinary account, and then uSNChanged polling gives the same messages.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class ActiveDirectoryDirSyncTests(SambaFixture samba, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private const string Enabled = "544";
    private const string Disabled = "546";
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly Guid _mappingId = Guid.NewGuid();
    private LdapAdmin? _adminConnection;
    private UserChangedCapture? _captureConnection;

    private LdapAdmin Admin => _adminConnection ?? throw new InvalidOperationException("Not initialized.");

    private UserChangedCapture Capture => _captureConnection ?? throw new InvalidOperationException("Not initialized.");

    private string Ou => $"OU=d{_suffix},{samba.Dc.BaseDn}";

    private string GroupDn => $"CN=techs{_suffix},{Ou}";

    private string UserDn(string name) => $"CN={name},{Ou}";

    public async Task InitializeAsync()
    {
        _adminConnection = new LdapAdmin(samba.Dc.Url, samba.Dc.AdminBindName, samba.Dc.AdminPassword);
        Admin.Add(Ou, ("objectClass", ["organizationalUnit"]));
        _captureConnection = await UserChangedCapture.StartAsync(rabbit.Broker);
    }

    public async Task DisposeAsync()
    {
        if (_captureConnection is not null)
        {
            await _captureConnection.DisposeAsync();
        }
        _adminConnection?.Dispose();
    }

    private void AddUser(string name) =>
        Admin.Add(UserDn(name), ("objectClass", ["user"]), ("sAMAccountName", [$"{name}{_suffix}"]), ("mail", [$"{name}@example.org"]),
            ("userAccountControl", [Enabled]));

    private FakeConfigApi Config(string bindName, string password) => new(
        new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [samba.Dc.Url], bindName, password, samba.Dc.BaseDn, PollIntervalSeconds: 1),
        new Mapping(_mappingId, GroupDn, 42, false, true, DateTimeOffset.UtcNow));

    /// <summary>Mail change, disable, delete and a move out of the base DN, with the messages each must give.</summary>
    private async Task<IReadOnlyList<UserChanged>> ChangeAndCollectAsync(FakeConfigApi config, InMemoryReaderStateStore state, LogCapture log)
    {
        var elsewhere = $"OU=away{_suffix},{samba.Dc.BaseDn}";
        Admin.Add(elsewhere, ("objectClass", ["organizationalUnit"]));
        foreach (var name in new[] { "ann", "ben", "cid", "dee" })
        {
            AddUser(name);
        }
        Admin.Add(GroupDn, ("objectClass", ["group"]), ("sAMAccountName", [$"techs{_suffix}"]),
            ("member", new[] { "ann", "ben", "cid", "dee" }.Select(UserDn).ToArray()));
        config.Directory = config.Directory with { BaseDn = Ou };
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker, stateStore: state,
            configure: builder => builder.Logging.AddProvider(log).SetMinimumLevel(LogLevel.Information));
        var initial = await Capture.WaitForAsync(_mappingId, 4, TimeSpan.FromSeconds(60));
        Assert.All(initial, m => Assert.Equal(UserState.Enabled, m.State));

        Admin.Replace(UserDn("ann"), "mail", "ann.new@example.org");
        await Capture.WaitForAsync(_mappingId, 5, TimeSpan.FromSeconds(60));
        Admin.Replace(UserDn("ben"), "userAccountControl", Disabled);
        await Capture.WaitForAsync(_mappingId, 6, TimeSpan.FromSeconds(60));
        Admin.Delete(UserDn("cid"));
        await Capture.WaitForAsync(_mappingId, 7, TimeSpan.FromSeconds(60));
        Admin.Move(UserDn("dee"), elsewhere);
        await Capture.WaitForAsync(_mappingId, 8, TimeSpan.FromSeconds(60));
        await reader.PollsAsync();

        var messages = Capture.For(_mappingId);
        Assert.Equal(8, messages.Count);
        var after = messages.Skip(4).Select(m => (m.Email, m.State)).ToList();
        Assert.Equal([("ann.new@example.org", UserState.Enabled), ("ben@example.org", UserState.Disabled),
            ("cid@example.org", UserState.Deleted), ("dee@example.org", UserState.OutOfScope)], after);
        Assert.True(messages.Skip(4).Zip(messages.Skip(5)).All(pair => pair.First.Version < pair.Second.Version), "Versions must grow.");
        Assert.Empty(config.SyncLog);
        return messages;
    }

    [Fact]
    public async Task With_the_right_the_reader_follows_DirSync_and_keeps_its_cookie_in_the_reader_state()
    {
        var config = Config(samba.Dc.AdminBindName, samba.Dc.AdminPassword);
        var state = new InMemoryReaderStateStore();
        var log = new LogCapture();

        await ChangeAndCollectAsync(config, state, log);

        var stored = await state.LoadAsync(_mappingId, CancellationToken.None);
        Assert.False(string.IsNullOrEmpty(stored?.DirSyncCookie), "The DirSync cookie is kept with the mark.");
        Assert.Contains(log.Lines, line => line.Message.Contains("DirSync read", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, line => line.Message.Contains("DirSync was refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_right_DirSync_is_refused_and_uSNChanged_polling_gives_the_same_messages()
    {
        var name = $"rd{_suffix}";
        const string password = "Reader-Passw0rd!1";
        await samba.Dc.SambaToolAsync("user", "create", name, password);
        var config = Config($"{name}@example.org", password);
        var state = new InMemoryReaderStateStore();
        var log = new LogCapture();

        await ChangeAndCollectAsync(config, state, log);

        var stored = await state.LoadAsync(_mappingId, CancellationToken.None);
        Assert.Null(stored?.DirSyncCookie);
        Assert.Contains(log.Lines, line => line.Level == LogLevel.Information && line.Message.Contains("DirSync was refused", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, line => line.Message.Contains("DirSync read", StringComparison.Ordinal));
    }
}
