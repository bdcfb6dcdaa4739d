using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class DirectoryKerberos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Auth",
                table: "directory_connection",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Simple");

            migrationBuilder.AddColumn<string>(
                name: "KerberosPrincipal",
                table: "directory_connection",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeytabEncrypted",
                table: "directory_connection",
                type: "text",
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Auth",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "KerberosPrincipal",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "KeytabEncrypted",
                table: "directory_connection");
        }
    }
}
