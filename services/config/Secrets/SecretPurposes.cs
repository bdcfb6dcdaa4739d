namespace RescueAdSync.Config.Secrets;

/// <summary>One name per secret column, bound into its ciphertext as authenticated data.</summary>
public static class SecretPurposes
{
    public const string MahPassword = "rescue-account.mah-password";
    public const string ServiceToken = "rescue-account.service-token";
    public const string DefaultPassword = "rescue-account.default-password";
    public const string BindPassword = "directory.bind-password";
    public const string Keytab = "directory.keytab";
}
