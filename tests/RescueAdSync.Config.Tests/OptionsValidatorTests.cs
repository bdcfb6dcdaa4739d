using System.Security.Cryptography;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Secrets;

namespace RescueAdSync.Config.Tests;

public sealed class OptionsValidatorTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "config";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    [Fact]
    public void Missing_secret_key_is_an_error_in_production_and_allowed_in_development()
    {
        var production = new SecretsOptionsValidator(new Environment("Production")).Validate(null, new SecretsOptions());
        Assert.True(production.Failed);
        Assert.Contains("Secrets__Key", production.FailureMessage, StringComparison.Ordinal);

        Assert.True(new SecretsOptionsValidator(new Environment("Development")).Validate(null, new SecretsOptions()).Succeeded);
    }

    [Fact]
    public void Well_known_or_malformed_secret_keys_are_errors_in_production()
    {
        var validator = new SecretsOptionsValidator(new Environment("Production"));
        Assert.Contains("well-known", validator.Validate(null, new SecretsOptions { Key = Convert.ToBase64String(new byte[32]) }).FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new SecretsOptions { Key = "not base64!" }).Failed);
        Assert.True(validator.Validate(null, new SecretsOptions { Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)) }).Failed);
        Assert.True(validator.Validate(null, new SecretsOptions { KeyFile = "/no/such/file" }).Failed);
        Assert.True(validator.Validate(null, new SecretsOptions { Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }).Succeeded);
    }

    [Fact]
    public void Api_keys_must_exist_be_long_enough_and_carry_a_known_role()
    {
        var validator = new ApiKeyOptionsValidator();
        Assert.True(validator.Validate(null, new ApiKeyOptions()).Failed);
        Assert.Contains("shorter than 16", validator.Validate(null, new ApiKeyOptions { ApiKeys = [new() { Key = "short", Role = "admin" }] }).FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Role 'root'", validator.Validate(null, new ApiKeyOptions { ApiKeys = [new() { Key = "long-enough-key-0123", Role = "root" }] }).FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new ApiKeyOptions { ApiKeys = [new() { KeySha256 = new string('a', 64), Role = "reader" }] }).Succeeded);
    }
}
