using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SyncLogTraceId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TraceId",
                table: "sync_log",
                type: "TEXT",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TraceId",
                table: "sync_log");
        }
    }
}
