using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.Sqlite
{
    /// <summary>
    /// Links without a technician and the createUser intent. The unique index on the technician follows in
    /// <see cref="LinkWithoutTechnicianUnique"/>: SQLite rebuilds the table for the nullable column only after every
    /// other operation of a migration, so the clean-up that the index needs could not run in this one.
    /// </summary>
    public partial class LinkWithoutTechnician : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<long>(
                name: "TechnicianNodeId",
                table: "technician_link",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<long>(
                name: "CreatePendingSince",
                table: "technician_link",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CreatePendingSince",
                table: "technician_link");

            migrationBuilder.AlterColumn<long>(
                name: "TechnicianNodeId",
                table: "technician_link",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
