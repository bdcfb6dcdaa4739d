using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.Sqlite
{
    /// <summary>One technician serves one user: the unique index on the link's technician (PostgreSQL has it in LinkWithoutTechnician).</summary>
    public partial class LinkWithoutTechnicianUnique : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Earlier releases let two users (sharing one email) link the same technician; one technician now serves one
            // user, so all but one of such links lose the technician and provisioning reports the shared email.
            migrationBuilder.Sql(
                "UPDATE technician_link SET \"TechnicianNodeId\" = NULL WHERE \"TechnicianNodeId\" IS NOT NULL AND \"DirectoryUserId\" NOT IN " +
                "(SELECT MIN(\"DirectoryUserId\") FROM technician_link WHERE \"TechnicianNodeId\" IS NOT NULL GROUP BY \"TechnicianNodeId\");");

            migrationBuilder.CreateIndex(
                name: "IX_technician_link_TechnicianNodeId",
                table: "technician_link",
                column: "TechnicianNodeId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_technician_link_TechnicianNodeId",
                table: "technician_link");
        }
    }
}
