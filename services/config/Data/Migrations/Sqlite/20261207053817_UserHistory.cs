using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UserHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "user_history",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Time = table.Column<long>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MappingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DirectoryUserId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Login = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DistinguishedName = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    TechnicianNodeId = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    NameBefore = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    EmailBefore = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    TraceId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CorrelationId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_history", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_user_history_DirectoryUserId_Time",
                table: "user_history",
                columns: new[] { "DirectoryUserId", "Time" });

            migrationBuilder.CreateIndex(
                name: "IX_user_history_Time",
                table: "user_history",
                column: "Time");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_history");
        }
    }
}
