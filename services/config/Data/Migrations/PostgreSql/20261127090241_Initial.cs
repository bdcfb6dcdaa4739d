using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "directory_connection",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ServerUrls = table.Column<List<string>>(type: "text[]", nullable: false),
                    BindDn = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    BindPasswordEncrypted = table.Column<string>(type: "text", nullable: false),
                    BaseDn = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    PollIntervalSeconds = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_directory_connection", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "mapping",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SourceGroupDn = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    SourceGroupDnKey = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    TechnicianGroupId = table.Column<long>(type: "bigint", nullable: false),
                    MobileAddon = table.Column<bool>(type: "boolean", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mapping", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "rescue_account",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    ApiBaseUrl = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    MahEmail = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    MahPasswordEncrypted = table.Column<string>(type: "text", nullable: false),
                    ServiceTokenEncrypted = table.Column<string>(type: "text", nullable: false),
                    DefaultPasswordEncrypted = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rescue_account", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sync_log",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Level = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Message = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    MappingId = table.Column<Guid>(type: "uuid", nullable: true),
                    DirectoryUserId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    ErrorCode = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    WillRetry = table.Column<bool>(type: "boolean", nullable: false),
                    CorrelationId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_log", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "technician_link",
                columns: table => new
                {
                    DirectoryUserId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    MappingId = table.Column<Guid>(type: "uuid", nullable: false),
                    TechnicianNodeId = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_technician_link", x => x.DirectoryUserId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_mapping_SourceGroupDnKey",
                table: "mapping",
                column: "SourceGroupDnKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sync_log_DirectoryUserId_Time",
                table: "sync_log",
                columns: new[] { "DirectoryUserId", "Time" });

            migrationBuilder.CreateIndex(
                name: "IX_sync_log_MappingId_Time",
                table: "sync_log",
                columns: new[] { "MappingId", "Time" });

            migrationBuilder.CreateIndex(
                name: "IX_sync_log_Time",
                table: "sync_log",
                column: "Time");

            migrationBuilder.CreateIndex(
                name: "IX_technician_link_MappingId",
                table: "technician_link",
                column: "MappingId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "directory_connection");

            migrationBuilder.DropTable(
                name: "mapping");

            migrationBuilder.DropTable(
                name: "rescue_account");

            migrationBuilder.DropTable(
                name: "sync_log");

            migrationBuilder.DropTable(
                name: "technician_link");
        }
    }
}
