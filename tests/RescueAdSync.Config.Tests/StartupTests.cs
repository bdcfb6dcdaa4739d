using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public sealed class StartupTests
{
    [Fact]
    public void Production_without_a_secret_key_refuses_to_start()
    {
        using var factory = new ConfigApiFactory();
        factory.Settings.Remove("Secrets:Key");

        // The reason is asserted in SecretsOptionsValidatorTests: a failed start can surface here as another exception.
        Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    [Fact]
    public void Production_with_a_well_known_secret_key_refuses_to_start()
    {
        using var factory = new ConfigApiFactory();
        factory.Settings["Secrets:Key"] = Convert.ToBase64String(new byte[32]);

        Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    [Fact]
    public void Secret_key_of_the_wrong_length_refuses_to_start()
    {
        using var factory = new ConfigApiFactory();
        factory.Settings["Secrets:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

        Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    [Fact]
    public void No_api_key_or_a_short_one_refuses_to_start()
    {
        using var factory = new ConfigApiFactory();
        factory.Settings["Auth:ApiKeys:0:Key"] = "short";

        Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    [Fact]
    public async Task Development_without_a_key_generates_one_next_to_the_database_and_warns()
    {
        using var factory = new ConfigApiFactory { EnvironmentName = "Development" };
        factory.Settings.Remove("Secrets:Key");

        var response = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(factory.DatabasePath + ".key"));
        Assert.Contains(factory.Logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("development key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Key_file_is_read_and_a_rotated_key_re_encrypts_the_stored_secrets_at_start()
    {
        var directory = Path.Combine(Path.GetTempPath(), "adsync-config-rotation-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var keyFile = Path.Combine(directory, "secret.key");
        await File.WriteAllTextAsync(keyFile, oldKey + "\n");

        using (var before = new ConfigApiFactory(directory) { DeleteOnDispose = false })
        {
            before.Settings.Remove("Secrets:Key");
            before.Settings["Secrets:KeyFile"] = keyFile;
            Assert.Equal(HttpStatusCode.OK, (await before.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account())).StatusCode);
        }

        using (var after = new ConfigApiFactory(directory) { DeleteOnDispose = false })
        {
            after.Settings["Secrets:Key"] = newKey;
            after.Settings["Secrets:PreviousKeys:0"] = oldKey;
            var credentials = await after.Provisioner.GetFromJsonAsync<RescueCredentials>("/api/rescue-account/credentials");
            Assert.Equal(Samples.ServiceToken, credentials!.ServiceToken);
        }

        using var withoutOldKey = new ConfigApiFactory(directory);
        withoutOldKey.Settings["Secrets:Key"] = newKey;
        var again = await withoutOldKey.Provisioner.GetFromJsonAsync<RescueCredentials>("/api/rescue-account/credentials");
        Assert.Equal(Samples.DefaultPassword, again!.DefaultPassword);
        Assert.False((await withoutOldKey.ReadStoredBytesAsync()).AsSpan().IndexOf(Encoding.UTF8.GetBytes(Samples.DefaultPassword)) >= 0);
    }

    [Fact]
    public async Task Repeated_failed_authentication_is_answered_with_429_while_a_right_key_from_the_same_address_still_passes()
    {
        using var factory = new ConfigApiFactory();
        factory.Settings["Auth:FailedAttemptsPerMinute"] = "3";
        var wrong = factory.ClientWithKey("wrong-key-wrong-key-wrong");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/mappings")).StatusCode);
        }

        var blocked = await wrong.GetAsync("/api/mappings");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter);
        // The same address (every TestServer client has the same one), a valid key: never refused by the limiter.
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.GetAsync("/api/mappings")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Reader.GetAsync("/api/mappings")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await wrong.GetAsync("/api/mappings")).StatusCode);
    }

    [Fact]
    public async Task Key_configured_only_by_its_SHA256_is_accepted()
    {
        using var factory = new ConfigApiFactory();
        const string key = "hashed-admin-key-0123456789";
        factory.Settings["Auth:ApiKeys:3:KeySha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        factory.Settings["Auth:ApiKeys:3:Role"] = "admin";

        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWithKey(key).GetAsync("/api/mappings")).StatusCode);
    }
}
