using System.CommandLine;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary><c>adsync mapping list|add|update|remove</c>: which AD group feeds which Rescue Technician Group.</summary>
public static class MappingCommands
{
    private const string What = "Mapping";

    public static Command Create(CommandRunner runner)
    {
        var mapping = new Command("mapping", "Mappings: source AD group → destination Rescue Technician Group.");
        mapping.Add(List(runner));
        mapping.Add(Add(runner));
        mapping.Add(Update(runner));
        mapping.Add(Remove(runner));
        return mapping;
    }

    /// <summary>The mapping id argument, checked here: the API's route only matches GUIDs, so a typo would read as "not found".</summary>
    public static Guid ParseId(string option, string? value) =>
        Guid.TryParse(value, out var id)
            ? id
            : throw new CliException(ExitCodes.Usage, $"{option}: '{value}' is not a mapping id (a GUID, see 'adsync mapping list').");

    private static Command List(CommandRunner runner)
    {
        var list = new Command("list", "List the mappings.");
        runner.SetAction(list, async (_, context, ct) =>
        {
            var mappings = (await context.Api.GetAsync<Mapping[]>("api/mappings", "Mappings", ct)).Value;
            if (context.Json)
            {
                context.WriteJson(mappings);
                return ExitCodes.Ok;
            }

            var table = new TextTable("ID", "Source group", "Technician group", "Mobile add-on", "Enabled", "Updated");
            foreach (var m in mappings)
            {
                table.Add(m.Id.ToString(), m.SourceGroupDn, Formats.Number(m.TechnicianGroupId), Formats.YesNo(m.MobileAddon), Formats.YesNo(m.Enabled), Formats.Time(m.UpdatedAt));
            }

            table.WriteTo(context.Out);
            context.Note($"{mappings.Length} mapping(s).");
            return ExitCodes.Ok;
        });
        return list;
    }

    private static Command Add(CommandRunner runner)
    {
        var group = new Option<string>("--group") { Description = "The source AD group's DN.", Required = true };
        var technicianGroup = new Option<long>("--technician-group") { Description = "The destination Rescue Technician Group's node id.", Required = true };
        var mobile = new Option<bool>("--mobile-addon") { Description = "Give the technicians the mobile add-on." };
        var disabled = new Option<bool>("--disabled") { Description = "Create the mapping paused." };
        var (maxDisables, maxPercent) = GuardOptions.Create();
        var add = new Command("add", "Add a mapping.") { group, technicianGroup, mobile, disabled, maxDisables, maxPercent };
        runner.SetAction(add, async (parse, context, ct) =>
        {
            var settings = new MappingSettings(parse.GetValue(group) ?? "", parse.GetValue(technicianGroup), parse.GetValue(mobile), !parse.GetValue(disabled),
                GuardMaxDisables: parse.GetValue(maxDisables) ?? MassChangeGuardDefaults.MaxDisables,
                GuardMaxDisablePercent: parse.GetValue(maxPercent) ?? MassChangeGuardDefaults.MaxDisablePercent);
            var created = await context.Api.SendAsync<Mapping>(HttpMethod.Post, "api/mappings", settings, ifMatch: null, What, ct);
            Write(context, created.Value, "Mapping added.");
            return ExitCodes.Ok;
        });
        return add;
    }

    private static Command Update(CommandRunner runner)
    {
        var id = new Argument<string>("id") { Description = "The mapping's id (see 'adsync mapping list')." };
        var group = new Option<string?>("--group") { Description = "A new source AD group DN." };
        var technicianGroup = new Option<long?>("--technician-group") { Description = "A new Rescue Technician Group node id." };
        var mobile = new Option<bool?>("--mobile-addon") { Description = "true or false." };
        var enabled = new Option<bool?>("--enabled") { Description = "true or false (false pauses the mapping)." };
        var (maxDisables, maxPercent) = GuardOptions.Create();
        var update = new Command("update", "Change a mapping; options not given keep their value.") { id, group, technicianGroup, mobile, enabled, maxDisables, maxPercent };
        runner.SetAction(update, async (parse, context, ct) =>
        {
            var path = $"api/mappings/{ParseId("id", parse.GetValue(id))}";
            var current = await context.Api.GetAsync<Mapping>(path, What, ct);
            var m = current.Value;
            var settings = new MappingSettings(
                parse.GetValue(group) ?? m.SourceGroupDn,
                parse.GetValue(technicianGroup) ?? m.TechnicianGroupId,
                parse.GetValue(mobile) ?? m.MobileAddon,
                parse.GetValue(enabled) ?? m.Enabled,
                GuardMaxDisables: parse.GetValue(maxDisables) ?? m.GuardMaxDisables,
                GuardMaxDisablePercent: parse.GetValue(maxPercent) ?? m.GuardMaxDisablePercent);
            var saved = await context.Api.SendAsync<Mapping>(HttpMethod.Put, path, settings, current.ETag, What, ct);
            Write(context, saved.Value, "Mapping updated.");
            return ExitCodes.Ok;
        });
        return update;
    }

    private static Command Remove(CommandRunner runner)
    {
        var id = new Argument<string>("id") { Description = "The mapping's id (see 'adsync mapping list')." };
        var remove = new Command("remove", "Remove a mapping. Technicians are never deleted by rescue-adsync.") { id };
        runner.SetAction(remove, async (parse, context, ct) =>
        {
            var mappingId = ParseId("id", parse.GetValue(id));
            await context.Api.DeleteAsync($"api/mappings/{mappingId}", ifMatch: null, What, ct);
            if (context.Json)
            {
                context.WriteJson(new { id = mappingId, removed = true });
            }
            else
            {
                context.Out.WriteLine($"Mapping {mappingId} removed.");
            }

            return ExitCodes.Ok;
        });
        return remove;
    }

    private static void Write(CliContext context, Mapping mapping, string headline)
    {
        if (context.Json)
        {
            context.WriteJson(mapping);
            return;
        }

        context.Out.WriteLine(headline);
        var table = new TextTable("Setting", "Value");
        table.Add("ID", mapping.Id.ToString());
        table.Add("Source group", mapping.SourceGroupDn);
        table.Add("Technician group", Formats.Number(mapping.TechnicianGroupId));
        table.Add("Mobile add-on", Formats.YesNo(mapping.MobileAddon));
        table.Add("Enabled", Formats.YesNo(mapping.Enabled));
        table.Add("Guard", GuardOptions.Describe(mapping));
        table.Add("Updated", Formats.Time(mapping.UpdatedAt));
        table.WriteTo(context.Out);
    }
}
