using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OperatorOperations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing mappings get the guard's documented defaults (50 disables, 20 %), not 0.
            migrationBuilder.AddColumn<int>(
                name: "GuardMaxDisablePercent",
                table: "mapping",
                type: "INTEGER",
                nullable: false,
                defaultValue: 20);

            migrationBuilder.AddColumn<int>(
                name: "GuardMaxDisables",
                table: "mapping",
                type: "INTEGER",
                nullable: false,
                defaultValue: 50);

            migrationBuilder.CreateTable(
                name: "held_plan",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MappingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Disables = table.Column<int>(type: "INTEGER", nullable: false),
                    EnabledMembers = table.Column<int>(type: "INTEGER", nullable: false),
                    TotalChanges = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangesJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AppliedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CorrelationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_held_plan", x => x.Id);
                    table.ForeignKey(
                        name: "FK_held_plan_mapping_MappingId",
                        column: x => x.MappingId,
                        principalTable: "mapping",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "resync_request",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MappingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Published = table.Column<int>(type: "INTEGER", nullable: true),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resync_request", x => x.Id);
                    table.ForeignKey(
                        name: "FK_resync_request_mapping_MappingId",
                        column: x => x.MappingId,
                        principalTable: "mapping",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_held_plan_CreatedAt",
                table: "held_plan",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_held_plan_MappingId_Status",
                table: "held_plan",
                columns: new[] { "MappingId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_resync_request_MappingId_Status",
                table: "resync_request",
                columns: new[] { "MappingId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "held_plan");

            migrationBuilder.DropTable(
                name: "resync_request");

            migrationBuilder.DropColumn(
                name: "GuardMaxDisablePercent",
                table: "mapping");

            migrationBuilder.DropColumn(
                name: "GuardMaxDisables",
                table: "mapping");
        }
    }
}
