using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.UnitTests.Reader;

public sealed class DirectoryUserMapperTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Name_prefers_displayName_then_given_name_and_surname_then_cn()
    {
        Assert.Equal("Display", DirectoryUserMapper.DisplayName(Entries.Of("x", null, ("displayName", "Display"), ("givenName", "G"), ("sn", "S"), ("cn", "C"))));
        Assert.Equal("G S", DirectoryUserMapper.DisplayName(Entries.Of("x", null, ("givenName", "G"), ("sn", "S"), ("cn", "C"))));
        Assert.Equal("C", DirectoryUserMapper.DisplayName(Entries.Of("x", null, ("sn", "S"), ("cn", "C"))));
        Assert.Equal("S", DirectoryUserMapper.DisplayName(Entries.Of("x", null, ("sn", "S"))));
        Assert.Equal("C", DirectoryUserMapper.DisplayName(Entries.Of("x", null, ("displayName", "  "), ("cn", "C"))));
    }

    [Fact]
    public void Email_prefers_mail_then_userPrincipalName()
    {
        Assert.Equal("a@x.org", DirectoryUserMapper.Email(Entries.Of("x", null, ("mail", "a@x.org"), ("userPrincipalName", "a@corp.local"))));
        Assert.Equal("a@corp.local", DirectoryUserMapper.Email(Entries.Of("x", null, ("userPrincipalName", "a@corp.local"))));
        Assert.Equal("", DirectoryUserMapper.Email(Entries.Of("x")));
    }

    [Theory]
    [InlineData("512", null, UserState.Enabled)]
    [InlineData("514", null, UserState.Disabled)]
    [InlineData("66050", null, UserState.Disabled)]
    [InlineData("66048", "0", UserState.Enabled)]
    [InlineData("512", "9223372036854775807", UserState.Enabled)]
    public void Active_directory_status_follows_the_ACCOUNTDISABLE_bit(string uac, string? expires, UserState expected)
    {
        var values = new List<(string, string)> { ("userAccountControl", uac) };
        if (expires is not null)
        {
            values.Add(("accountExpires", expires));
        }
        Assert.Equal(expected, DirectoryUserMapper.Status(DirectoryKind.ActiveDirectory, Entries.Of("x", null, [.. values]), Now));
    }

    [Fact]
    public void An_expired_account_is_disabled_and_a_future_expiry_is_not()
    {
        var past = Now.AddMinutes(-1).UtcDateTime.ToFileTimeUtc().ToString();
        var future = Now.AddDays(1).UtcDateTime.ToFileTimeUtc().ToString();

        Assert.Equal(UserState.Disabled, DirectoryUserMapper.Status(DirectoryKind.ActiveDirectory, Entries.Of("x", null, ("userAccountControl", "512"), ("accountExpires", past)), Now));
        Assert.Equal(UserState.Enabled, DirectoryUserMapper.Status(DirectoryKind.ActiveDirectory, Entries.Of("x", null, ("userAccountControl", "512"), ("accountExpires", future)), Now));
    }

    [Fact]
    public void OpenLdap_users_are_enabled_by_default()
    {
        Assert.Equal(UserState.Enabled, DirectoryUserMapper.Status(DirectoryKind.OpenLdap, Entries.Of("x", null, ("userAccountControl", "514")), Now));
    }

    [Fact]
    public void ObjectGuid_is_formatted_little_endian_lower_case_hyphenated()
    {
        // The byte order AD sends for {01020304-0506-0708-090a-0b0c0d0e0f10}.
        byte[] bytes = [0x04, 0x03, 0x02, 0x01, 0x06, 0x05, 0x08, 0x07, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10];

        Assert.Equal("01020304-0506-0708-090a-0b0c0d0e0f10", DirectoryUserMapper.FormatObjectGuid(bytes));
        Assert.Null(DirectoryUserMapper.FormatObjectGuid([1, 2, 3]));
        Assert.Null(DirectoryUserMapper.FormatObjectGuid(null));
    }

    [Fact]
    public void An_active_directory_entry_maps_to_a_user()
    {
        var guid = Guid.NewGuid();
        var entry = Entries.Of("CN=Alice,OU=People,DC=example,DC=org", guid.ToByteArray(),
            ("uSNChanged", "4242"), ("givenName", "Alice"), ("sn", "Anders"), ("mail", "alice@example.org"), ("userAccountControl", "514"));

        Assert.True(DirectoryUserMapper.TryMap(DirectoryKind.ActiveDirectory, entry, Now, out var user, out _, out _));
        Assert.Equal(new DirectoryUser(guid.ToString(), "CN=Alice,OU=People,DC=example,DC=org", "Alice Anders", "alice@example.org", UserState.Disabled, 4242), user);
    }

    [Fact]
    public void An_openldap_entry_maps_to_a_user_with_upper_case_uuid_normalised()
    {
        var entry = Entries.Of("uid=bob,dc=x", null, ("entryUUID", "742DE0F0-7E8B-1041-801F-A14E8E5466E4"),
            ("entryCSN", "19700101000000.000001Z#000000#000#000000"), ("cn", "Bob"), ("mail", "bob@x.org"));

        Assert.True(DirectoryUserMapper.TryMap(DirectoryKind.OpenLdap, entry, Now, out var user, out _, out _));
        Assert.Equal("742de0f0-7e8b-1041-801f-a14e8e5466e4", user!.Id);
        Assert.Equal(1000, user.Version);
    }

    [Fact]
    public void The_login_is_sAMAccountName_in_active_directory_and_uid_in_openldap_and_absent_when_missing()
    {
        var ad = Entries.Of("CN=Alice,DC=example,DC=org", Guid.NewGuid().ToByteArray(), ("uSNChanged", "1"), ("cn", "Alice"),
            ("mail", "alice@example.org"), ("sAMAccountName", " aanders "), ("uid", "not-this"));
        Assert.True(DirectoryUserMapper.TryMap(DirectoryKind.ActiveDirectory, ad, Now, out var adUser, out _, out _));
        Assert.Equal("aanders", adUser!.Login);
        Assert.Contains("sAMAccountName", DirectoryUserMapper.Attributes(DirectoryKind.ActiveDirectory));

        var ldap = Entries.Of("uid=bob,dc=x", null, ("entryUUID", Guid.NewGuid().ToString()), ("entryCSN", "19700101000000.000001Z#000000#000#000000"),
            ("cn", "Bob"), ("mail", "bob@x.org"), ("uid", "bob"));
        Assert.True(DirectoryUserMapper.TryMap(DirectoryKind.OpenLdap, ldap, Now, out var ldapUser, out _, out _));
        Assert.Equal("bob", ldapUser!.Login);
        Assert.Contains("uid", DirectoryUserMapper.Attributes(DirectoryKind.OpenLdap));

        var none = Entries.Of("uid=carl,dc=x", null, ("entryUUID", Guid.NewGuid().ToString()), ("entryCSN", "19700101000000.000001Z#000000#000#000000"),
            ("cn", "Carl"), ("mail", "carl@x.org"));
        Assert.True(DirectoryUserMapper.TryMap(DirectoryKind.OpenLdap, none, Now, out var noLogin, out _, out _));
        Assert.Null(noLogin!.Login);
    }

    [Fact]
    public void Entries_without_identity_or_version_or_with_control_characters_are_rejected_with_a_reason()
    {
        Assert.False(DirectoryUserMapper.TryMap(DirectoryKind.OpenLdap, Entries.Of("uid=a", null, ("entryCSN", "19700101000000.000001Z#000000#000#000000")), Now, out _, out var noId, out var reason1));
        Assert.Null(noId);
        Assert.Contains("entryUUID", reason1);

        var uuid = Guid.NewGuid().ToString();
        Assert.False(DirectoryUserMapper.TryMap(DirectoryKind.OpenLdap, Entries.Of("uid=a", null, ("entryUUID", uuid)), Now, out _, out var id2, out var reason2));
        Assert.Equal(uuid, id2);
        Assert.Contains("entryCSN", reason2);

        Assert.False(DirectoryUserMapper.TryMap(DirectoryKind.OpenLdap, Entries.Of("uid=a", null, ("entryUUID", uuid),
            ("entryCSN", "19700101000000.000001Z#000000#000#000000"), ("displayName", "Eve\r\nBcc: x")), Now, out _, out var id3, out var reason3));
        Assert.Equal(uuid, id3);
        Assert.Contains("control", reason3);
    }

    [Theory]
    [InlineData(null, null, UserState.Enabled)]
    [InlineData("pwdAccountLockedTime", null, UserState.Enabled)]
    [InlineData("pwdAccountLockedTime", "20261127090000Z", UserState.Disabled)]
    [InlineData("siteDisabled", "TRUE", UserState.Disabled)]
    [InlineData("siteDisabled", "false", UserState.Enabled)]
    public void OpenLdap_status_follows_the_configured_attribute(string? attribute, string? value, UserState expected)
    {
        var entry = value is null || attribute is null ? Entries.Of("uid=a") : Entries.Of("uid=a", null, (attribute, value));

        Assert.Equal(expected, DirectoryUserMapper.Status(DirectoryKind.OpenLdap, entry, Now, attribute));
    }
}
