using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class DirectoriesAndMappingRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_mapping_SourceGroupDnKey",
                table: "mapping");

            migrationBuilder.AddColumn<string>(
                name: "Directory",
                table: "mapping",
                type: "character varying(63)",
                maxLength: 63,
                nullable: false,
                defaultValue: "default");

            migrationBuilder.AddColumn<string>(
                name: "EmailAttribute",
                table: "mapping",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameAttribute",
                table: "mapping",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Nested",
                table: "mapping",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Priority",
                table: "mapping",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "AllowInsecureTls",
                table: "directory_connection",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "CaBundlePem",
                table: "directory_connection",
                type: "character varying(65536)",
                maxLength: 65536,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisabledAttribute",
                table: "directory_connection",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "directory_connection",
                type: "character varying(63)",
                maxLength: 63,
                nullable: false,
                defaultValue: "default");

            migrationBuilder.AddColumn<int>(
                name: "ReconcileMinutes",
                table: "directory_connection",
                type: "integer",
                nullable: false,
                defaultValue: 360);

            migrationBuilder.AddColumn<string>(
                name: "TlsMode",
                table: "directory_connection",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "None");

            // Existing mappings belong to the one connection there was ("default"), keep their list order as their
            // priority (by group DN, 10, 20, ...), and a connection with ldaps:// URLs says so in its TLS mode.
            migrationBuilder.Sql(@"UPDATE mapping SET ""Priority"" = 10 * ranked.n FROM (SELECT ""Id"", ROW_NUMBER() OVER (ORDER BY ""SourceGroupDnKey"") AS n FROM mapping) AS ranked WHERE mapping.""Id"" = ranked.""Id"";");
            migrationBuilder.Sql(@"UPDATE directory_connection SET ""TlsMode"" = 'Ldaps' WHERE array_to_string(""ServerUrls"", ' ') LIKE '%ldaps://%';");

            migrationBuilder.CreateIndex(
                name: "IX_mapping_Directory_SourceGroupDnKey",
                table: "mapping",
                columns: new[] { "Directory", "SourceGroupDnKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_mapping_Priority",
                table: "mapping",
                column: "Priority",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_directory_connection_Name",
                table: "directory_connection",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_mapping_Directory_SourceGroupDnKey",
                table: "mapping");

            migrationBuilder.DropIndex(
                name: "IX_mapping_Priority",
                table: "mapping");

            migrationBuilder.DropIndex(
                name: "IX_directory_connection_Name",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "Directory",
                table: "mapping");

            migrationBuilder.DropColumn(
                name: "EmailAttribute",
                table: "mapping");

            migrationBuilder.DropColumn(
                name: "NameAttribute",
                table: "mapping");

            migrationBuilder.DropColumn(
                name: "Nested",
                table: "mapping");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "mapping");

            migrationBuilder.DropColumn(
                name: "AllowInsecureTls",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "CaBundlePem",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "DisabledAttribute",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "Name",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "ReconcileMinutes",
                table: "directory_connection");

            migrationBuilder.DropColumn(
                name: "TlsMode",
                table: "directory_connection");

            migrationBuilder.CreateIndex(
                name: "IX_mapping_SourceGroupDnKey",
                table: "mapping",
                column: "SourceGroupDnKey",
                unique: true);
        }
    }
}
