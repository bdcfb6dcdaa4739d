using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.UnitTests.ServiceDefaults;

public sealed class SrvOrderTests
{
    private const int Rounds = 20_000;

    private static SrvTarget Dc(string host, int priority, int weight) => new($"{host}.corp.example.com", 389, priority, weight);

    /// <summary>Hands out the given numbers in turn, checking each is within the range asked for.</summary>
    private sealed class ScriptedRandom(params int[] numbers) : Random
    {
        private int _next;

        public List<int> Ranges { get; } = [];

        public override int Next(int maxValue)
        {
            Ranges.Add(maxValue);
            var value = numbers[_next++];
            Assert.InRange(value, 0, maxValue - 1);
            return value;
        }
    }

    [Fact]
    public void Lower_priority_is_tried_first_whatever_the_weights()
    {
        var ordered = SrvOrder.Order([Dc("c", 20, 100), Dc("a", 0, 1), Dc("b", 10, 100)], new Random(7));

        Assert.Equal(["a", "b", "c"], ordered.Select(t => t.Host.Split('.')[0]));
    }

    [Fact]
    public void Within_a_priority_the_first_record_whose_running_weight_sum_reaches_the_random_number_comes_next()
    {
        // Running sums 10, 30, 60: 15 picks b; then a and c (sums 10, 40): 40 picks c; a is left.
        var random = new ScriptedRandom(15, 40, 0);

        var ordered = SrvOrder.Order([Dc("a", 0, 10), Dc("b", 0, 20), Dc("c", 0, 30)], random);

        Assert.Equal(["b", "c", "a"], ordered.Select(t => t.Host.Split('.')[0]));
        // The number is drawn between 0 and the sum of the remaining weights, both included.
        Assert.Equal([61, 41, 11], random.Ranges);
    }

    [Fact]
    public void Within_a_priority_a_record_comes_first_in_proportion_to_its_weight()
    {
        var random = new Random(2782);
        var first = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        for (var i = 0; i < Rounds; i++)
        {
            first[SrvOrder.Order([Dc("a", 0, 60), Dc("b", 0, 30), Dc("c", 0, 10)], random)[0].Host.Split('.')[0]]++;
        }

        Assert.InRange(first["a"] / (double)Rounds, 0.57, 0.63);
        Assert.InRange(first["b"] / (double)Rounds, 0.27, 0.33);
        Assert.InRange(first["c"] / (double)Rounds, 0.08, 0.12);
    }

    [Fact]
    public void A_weight_0_record_beside_weighted_ones_comes_first_only_when_the_random_number_is_0()
    {
        Assert.Equal("zero", SrvOrder.Order([Dc("heavy", 0, 100), Dc("zero", 0, 0)], new ScriptedRandom(0, 0))[0].Host.Split('.')[0]);
        Assert.Equal("heavy", SrvOrder.Order([Dc("heavy", 0, 100), Dc("zero", 0, 0)], new ScriptedRandom(1, 0))[0].Host.Split('.')[0]);

        var random = new Random(2782);
        var zeroFirst = 0;
        for (var i = 0; i < Rounds; i++)
        {
            zeroFirst += SrvOrder.Order([Dc("heavy", 0, 100), Dc("zero", 0, 0)], random)[0].Host.StartsWith("zero", StringComparison.Ordinal) ? 1 : 0;
        }

        // One chance in 101: "a very small chance of being selected".
        Assert.InRange(zeroFirst / (double)Rounds, 0.002, 0.02);
    }

    [Fact]
    public void Records_that_all_weigh_0_keep_the_order_dns_gave_them()
    {
        var ordered = SrvOrder.Order([Dc("b", 0, 0), Dc("a", 0, 0), Dc("c", 0, 0)], new Random(1));

        Assert.Equal(["b", "a", "c"], ordered.Select(t => t.Host.Split('.')[0]));
    }

    [Fact]
    public void The_same_seed_gives_the_same_order_and_every_record_appears_once()
    {
        SrvTarget[] records = [Dc("a", 0, 5), Dc("b", 0, 50), Dc("c", 1, 0), Dc("d", 1, 10), Dc("e", 0, 20)];

        var once = SrvOrder.Order(records, new Random(42));
        var again = SrvOrder.Order(records, new Random(42));

        Assert.Equal(once, again);
        Assert.Equal(records.OrderBy(r => r.Host), once.OrderBy(r => r.Host));
        Assert.All(once.Take(3), t => Assert.Equal(0, t.Priority));
    }
}
