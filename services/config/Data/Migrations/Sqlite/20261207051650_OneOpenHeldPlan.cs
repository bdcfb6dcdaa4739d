using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.Sqlite
{
    /// <summary>At most one open (Held or Approved) held plan per mapping: a unique index filtered on the open statuses.</summary>
    public partial class OneOpenHeldPlan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Earlier releases could store several open plans for one mapping when holds raced. One stays open (an
            // approved one if any, else the newest); the others are rejected, as an operator rejecting them would.
            migrationBuilder.Sql(
                "UPDATE held_plan SET \"Status\" = 'Rejected', \"Revision\" = \"Revision\" + 1 " +
                "WHERE \"Status\" IN ('Held', 'Approved') AND EXISTS (SELECT 1 FROM held_plan other " +
                "WHERE other.\"MappingId\" = held_plan.\"MappingId\" AND other.\"Status\" IN ('Held', 'Approved') " +
                "AND (CASE WHEN other.\"Status\" = 'Approved' THEN 1 ELSE 0 END, other.\"Id\") > " +
                "(CASE WHEN held_plan.\"Status\" = 'Approved' THEN 1 ELSE 0 END, held_plan.\"Id\"));");

            migrationBuilder.CreateIndex(
                name: "IX_held_plan_MappingId_open",
                table: "held_plan",
                column: "MappingId",
                unique: true,
                filter: "\"Status\" IN ('Held', 'Approved')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_held_plan_MappingId_open",
                table: "held_plan");
        }
    }
}
