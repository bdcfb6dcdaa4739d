using RescueAdSync.AdReader.Ldap;

namespace RescueAdSync.UnitTests.Reader;

public sealed class EntryCsnTests
{
    [Fact]
    public void Version_is_microseconds_since_epoch_times_1000_plus_count()
    {
        var version = EntryCsn.ToVersion("19700101000001.000002Z#000003#000#000000");

        Assert.Equal((1_000_000L + 2) * 1000 + 3, version);
    }

    [Fact]
    public void Count_is_hexadecimal_and_clamped_so_it_never_spills_into_the_next_microsecond()
    {
        Assert.Equal(10, EntryCsn.ToVersion("19700101000000.000000Z#00000a#000#000000"));
        Assert.Equal(999, EntryCsn.ToVersion("19700101000000.000000Z#ffffff#000#000000"));
        Assert.True(EntryCsn.ToVersion("19700101000000.000000Z#ffffff#000#000000") < EntryCsn.ToVersion("19700101000000.000001Z#000000#000#000000"));
    }

    [Theory]
    [InlineData("20261127085117.591029Z#000000#000#000000", "20261127085117.591030Z#000000#000#000000")]
    [InlineData("20261127085117.591029Z#000000#000#000000", "20261127085117.591029Z#000001#000#000000")]
    [InlineData("20261127085117.999999Z#000005#000#000000", "20261127085118.000000Z#000000#000#000000")]
    [InlineData("20261231235959.999999Z#000000#000#000000", "20270101000000.000000Z#000000#001#000000")]
    public void Versions_order_like_the_csns(string older, string newer)
    {
        Assert.True(EntryCsn.ToVersion(older) < EntryCsn.ToVersion(newer));
    }

    [Fact]
    public void A_current_csn_fits_a_long_with_room_to_spare()
    {
        var version = EntryCsn.ToVersion("22001231235959.999999Z#000999#fff#000000");

        Assert.InRange(version, 1, long.MaxValue);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("20261127085117Z#000000#000#000000")]
    [InlineData("20261127085117.591029Z#zz#000#000000")]
    [InlineData("20261327085117.591029Z#000000#000#000000")]
    [InlineData("19600101000000.000000Z#000000#000#000000")]
    public void Malformed_csns_are_rejected(string? csn)
    {
        Assert.False(EntryCsn.TryToVersion(csn, out _));
    }

    [Theory]
    [InlineData("22620412000000.000000Z#000000#000#000000")]
    [InlineData("99991231235959.999999Z#000fff#000#000000")]
    public void A_csn_past_the_year_2262_is_refused_instead_of_wrapping_to_a_wrong_version(string csn)
    {
        Assert.False(EntryCsn.TryToVersion(csn, out _));
        var ex = Assert.Throws<FormatException>(() => EntryCsn.ToVersion(csn));
        Assert.Contains(csn, ex.Message);
    }

    [Fact]
    public void The_last_csn_that_fits_a_long_still_converts()
    {
        Assert.InRange(EntryCsn.ToVersion("22620410000000.000000Z#000999#000#000000"), 1, long.MaxValue);
    }
}
