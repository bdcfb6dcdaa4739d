using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DirectoryDomain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DnsServer",
                table: "directory_connection",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Domain",
                table: "directory_connection",
                type: "TEXT",
                maxLength: 253,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Site",
                table: "directory_connection",
                type: "TEXT",
                maxLength: 63,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DnsServer",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "Domain",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "Site",
                table: "directory_connection");
        }
    }
}
