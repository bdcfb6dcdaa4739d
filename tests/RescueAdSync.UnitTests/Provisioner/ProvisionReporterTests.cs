using Microsoft.Extensions.Logging.Abstractions;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.Provisioner.Operations;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Provisioner;

/// <summary>What provision on demand reports: the plan's label for the operator, the linked technician, or the error.</summary>
public sealed class ProvisionReporterTests
{
    private static readonly Guid Request = Guid.NewGuid();
    private readonly List<(Guid Id, ProvisionOutcome Outcome)> _reported = [];

    private async Task ReportAsync(UserChanged change, ProvisioningOutcome outcome)
    {
        var operations = FakeApi.Create<IOperationsApi>(new()
        {
            [nameof(IOperationsApi.ReportProvisionAsync)] = a =>
            {
                _reported.Add(((Guid)a[0]!, (ProvisionOutcome)a[1]!));
                return Task.FromResult(FakeApi.Response<ProvisionRequest>(null));
            },
        });
        var config = FakeApi.Create<IConfigApi>(new()
        {
            [nameof(IConfigApi.GetLinkAsync)] = _ => Task.FromResult(FakeApi.Response(
                new TechnicianLink("ann", Guid.Empty, 7, 10, UserState.Enabled, DateTimeOffset.UnixEpoch))),
        });
        await new ProvisionReporter(operations, NullLogger<ProvisionReporter>.Instance).ReportAsync(change, outcome, new LinkStore(config), default);
    }

    private static UserChanged Change(Guid? request = null) =>
        new(Guid.NewGuid(), "ann", 10, "Ann Smith", "ann@example.org", UserState.Enabled, "uid=ann", DateTimeOffset.UnixEpoch, Guid.NewGuid(),
            Force: true, ProvisionRequestId: request);

    [Fact]
    public async Task The_plans_label_and_the_linked_technician_are_reported_on_the_request()
    {
        await ReportAsync(Change(Request), new ProvisioningOutcome(ProvisioningResult.Updated, "Enabled"));

        Assert.Equal((Request, new ProvisionOutcome("Enabled", 7, null)), Assert.Single(_reported));
    }

    [Fact]
    public async Task A_failed_or_skipped_change_is_reported_with_the_reason_to_look_for()
    {
        await ReportAsync(Change(Request), new ProvisioningOutcome(ProvisioningResult.Failed, "Failed"));
        await ReportAsync(Change(Request), new ProvisioningOutcome(ProvisioningResult.Skipped, "Skipped"));

        Assert.Equal(("Failed", "Rescue refused the values of the new technician (see the sync log for the code)."), (_reported[0].Outcome.Outcome, _reported[0].Outcome.Error));
        Assert.Equal("Skipped", _reported[1].Outcome.Outcome);
        Assert.StartsWith("Nothing was applied:", _reported[1].Outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_not_asked_for_by_an_operator_reports_nothing()
    {
        await ReportAsync(Change(), new ProvisioningOutcome(ProvisioningResult.Created, "Created"));

        Assert.Empty(_reported);
    }
}
