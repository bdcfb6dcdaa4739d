using Microsoft.EntityFrameworkCore;

namespace RescueAdSync.Config.Data;

/// <summary>The PostgreSQL flavour of the model, for several replicas; its migrations live under Data/Migrations/PostgreSql.</summary>
public sealed class PostgresConfigDbContext(DbContextOptions<PostgresConfigDbContext> options) : ConfigDbContext(options);
