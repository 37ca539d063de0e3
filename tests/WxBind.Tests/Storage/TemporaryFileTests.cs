using Dapper;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Storage;

/// <summary>Looks at the process's open files, so it runs while no other test opens any.</summary>
[CollectionDefinition(nameof(TemporaryFileTests), DisableParallelization = true)]
public sealed class RunAlone;

[Collection(nameof(TemporaryFileTests))]
public sealed class TemporaryFileTests
{
    [Fact]
    public async Task AUnitsUndoRecordsStayInMemoryInsteadOfATemporaryFile()
    {
        await TestDatabases.WithSqliteAsync("CREATE TABLE notes (id integer PRIMARY KEY, body blob NOT NULL)", async (database, _) =>
        {
            await using (var setup = await database.OpenForWriteAsync())
            {
                await setup.ExecuteAsync("INSERT INTO notes (body) VALUES (@body)", Enumerable.Range(0, 100).Select(_ => new { body = new byte[2000] }));
            }

            // A unit runs in a savepoint: the pages it changes keep their old content for an undo.
            // Past 64 KiB SQLite moves that into a temporary file (named etilqs_…, removed at once)
            // unless told to keep it in memory; the file stays open until the batch commits.
            var temporaryFiles = await database.WriteAsync(async (unit, token) =>
            {
                await unit.Connection.ExecuteAsync("UPDATE notes SET body = zeroblob(1999)", transaction: unit.Transaction);
                return new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
                    .Select(fd => fd.LinkTarget)
                    .Where(target => target?.Contains("etilqs_", StringComparison.Ordinal) == true)
                    .ToList();
            });

            Assert.Empty(temporaryFiles);
        });
    }
}
