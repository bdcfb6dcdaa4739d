using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RescueAdSync.Config.Data.Migrations.PostgreSql
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
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "UsersInRows",
                table: "reader_state",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "reader_state_user",
                columns: table => new
                {
                    MappingId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    DisplayName = table.Column<string>(type: "text", nullable: false),
                    Email = table.Column<string>(type: "text", nullable: false),
                    DistinguishedName = table.Column<string>(type: "text", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false)
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
