using RescueAdSync.Cli;

return await CliApp.RunAsync(args);
