using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReaderStateUserRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Revision",
                table: "reader_state",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "UsersInRows",
                table: "reader_state",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "reader_state_user",
                columns: table => new
                {
                    MappingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", nullable: false),
                    Email = table.Column<string>(type: "TEXT", nullable: false),
                    DistinguishedName = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reader_state_user", x => new { x.MappingId, x.UserId });
                    table.ForeignKey(
                        name: "FK_reader_state_user_reader_state_MappingId",
                        column: x => x.MappingId,
                        principalTable: "reader_state",
                        principalColumn: "MappingId",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "reader_state_user");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "reader_state");

            migrationBuilder.DropColumn(
                name: "UsersInRows",
                table: "reader_state");
        }
    }
}
