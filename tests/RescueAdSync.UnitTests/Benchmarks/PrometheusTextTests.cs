using RescueAdSync.Benchmarks.Stack;

namespace RescueAdSync.UnitTests.Benchmarks;

public sealed class PrometheusTextTests
{
    private const string Exposition = """
        # HELP adsync_reader_cycle_duration_seconds Duration of one mapping's cycle.
        # TYPE adsync_reader_cycle_duration_seconds histogram
        adsync_reader_cycle_duration_seconds_sum{mapping="a"} 2.5
        adsync_reader_cycle_duration_seconds_count{mapping="a"} 3
        adsync_reader_cycle_duration_seconds_sum{mapping="b"} 1
        adsync_reader_messages_published_total 1000
        adsync_provisioner_operations_total{result="created"} 7
        adsync_provisioner_operations_total{result="failed"} 1
        """;

    [Fact]
    public void Sums_the_samples_whose_labels_match() =>
        Assert.Equal(2.5, PrometheusText.Sum(Exposition, "adsync_reader_cycle_duration_seconds_sum", "mapping=\"a\""));

    [Fact]
    public void Sums_every_label_set_without_a_filter() =>
        Assert.Equal(8, PrometheusText.Sum(Exposition, "adsync_provisioner_operations_total"));

    [Fact]
    public void Reads_unlabelled_samples_and_ignores_names_that_only_share_a_prefix()
    {
        Assert.Equal(1000, PrometheusText.Sum(Exposition, "adsync_reader_messages_published_total"));
        Assert.Equal(0, PrometheusText.Sum(Exposition, "adsync_reader_cycle_duration_seconds"));
    }

    [Fact]
    public void Http_routes_keep_braces_of_route_templates_and_sort_by_total_time()
    {
        const string text = """
            http_request_duration_seconds_sum{code="200",method="PUT",controller="",action="",endpoint="api/links/{userId}"} 6
            http_request_duration_seconds_count{code="200",method="PUT",controller="",action="",endpoint="api/links/{userId}"} 3
            http_request_duration_seconds_sum{code="200",method="GET",controller="",action="",endpoint="api/mappings"} 1
            http_request_duration_seconds_count{code="200",method="GET",controller="",action="",endpoint="api/mappings"} 10
            """;

        var routes = PrometheusText.HttpRoutes(text);

        Assert.Equal(("PUT api/links/{userId}", 3.0, 2.0), routes[0]);
        Assert.Equal("GET api/mappings", routes[1].Route);
    }
}
