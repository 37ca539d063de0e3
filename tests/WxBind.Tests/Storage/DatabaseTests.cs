using Dapper;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Storage;

public sealed class DatabaseTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task WriteTurnIsReturnedWhenTheConnectionIsDisposed(StorageProvider provider)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        try
        {
            await using var database = new Database(provider, connectionString);
            for (var i = 0; i < 3; i++)
            {
                await using var connection = await database.OpenForWriteAsync();
                await connection.ExecuteScalarAsync<int>("SELECT 1");
            }
            var (c, t) = await database.BeginAsync();
            await t.DisposeAsync();
            await c.DisposeAsync();
            await c.DisposeAsync(); // a second dispose must not hand out a second turn

            // Two turns at once would let both of these in; one must wait for the other.
            await using var first = await database.OpenForWriteAsync();
            var second = database.OpenForWriteAsync().AsTask();
            if (provider == StorageProvider.Sqlite)
            {
                Assert.False(second.IsCompleted);
            }
            await first.DisposeAsync();
            await using var _ = await second;
        }
        finally
        {
            await TestDatabases.DropAsync(provider, connectionString);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ConcurrentWritersAllCommit(StorageProvider provider)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        try
        {
            await using var database = new Database(provider, connectionString);
            await using (var setup = await database.OpenForWriteAsync())
            {
                await setup.ExecuteAsync("CREATE TABLE counter_rows (id integer PRIMARY KEY)");
            }

            await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(async () =>
            {
                await using var connection = await database.OpenForWriteAsync();
                await connection.ExecuteAsync("INSERT INTO counter_rows (id) VALUES (@i)", new { i });
            })));

            await using var read = await database.OpenAsync();
            Assert.Equal(40, await read.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM counter_rows"));
        }
        finally
        {
            await TestDatabases.DropAsync(provider, connectionString);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task GroupCommitCommitsEveryQueuedWriteAndABadWriteFailsAlone(StorageProvider provider)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        try
        {
            await using var database = new Database(provider, connectionString);
            await using (var setup = await database.OpenForWriteAsync())
            {
                await setup.ExecuteAsync("CREATE TABLE grouped_rows (id integer PRIMARY KEY)");
            }

            // Row 7 twice: one of those two writes breaks the primary key, and only it may fail.
            var writes = Enumerable.Range(1, 40).Append(7).Select(i => database.WriteAsync((unit, token) =>
                unit.Connection.ExecuteAsync(new CommandDefinition("INSERT INTO grouped_rows (id) VALUES (@i)", new { i }, unit.Transaction, cancellationToken: token)))).ToList();
            var outcomes = await Task.WhenAll(writes.Select(async w =>
            {
                try
                {
                    await w;
                    return true;
                }
                catch (System.Data.Common.DbException)
                {
                    return false;
                }
            }));

            Assert.Equal(1, outcomes.Count(ok => !ok));
            await using var read = await database.OpenAsync();
            Assert.Equal(40, await read.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM grouped_rows"));
        }
        finally
        {
            await TestDatabases.DropAsync(provider, connectionString);
        }
    }

    [Fact]
    public async Task EnlistedWriteCommitsWithTheChangeOrNotAtAll()
    {
        var connectionString = await TestDatabases.CreateAsync(StorageProvider.Sqlite);
        try
        {
            await using var database = new Database(StorageProvider.Sqlite, connectionString);
            await using (var setup = await database.OpenForWriteAsync())
            {
                await setup.ExecuteAsync("CREATE TABLE changes (id integer PRIMARY KEY); CREATE TABLE records (id integer PRIMARY KEY);");
            }

            using (var enlistment = WriteEnlistment.Begin((connection, transaction, token) =>
                connection.ExecuteAsync(new CommandDefinition("INSERT INTO records (id) VALUES (1) ON CONFLICT DO NOTHING", transaction: transaction, cancellationToken: token))))
            {
                // Rolled back: the enlisted record goes with it.
                var (connection, transaction) = await database.BeginAsync();
                await using (connection)
                await using (transaction)
                {
                    await connection.ExecuteAsync("INSERT INTO changes (id) VALUES (1)", transaction: transaction);
                }
                Assert.Equal(0, await CountAsync(database, "records"));

                // Committed: the record commits with the change.
                (connection, transaction) = await database.BeginAsync();
                await using (connection)
                await using (transaction)
                {
                    await connection.ExecuteAsync("INSERT INTO changes (id) VALUES (2)", transaction: transaction);
                    await transaction.CommitAsync();
                }
                Assert.True(enlistment.Used);
            }
            Assert.Equal(1, await CountAsync(database, "records"));
            Assert.Equal(1, await CountAsync(database, "changes"));

            // Once the enlistment is over, writes are the caller's alone.
            await using (var after = await database.OpenForWriteAsync())
            {
                await after.ExecuteAsync("DELETE FROM records");
            }
            Assert.Equal(0, await CountAsync(database, "records"));
        }
        finally
        {
            await TestDatabases.DropAsync(StorageProvider.Sqlite, connectionString);
        }
    }

    [Fact]
    public async Task AnEnlistedWriteOutsideAGroupUnitLeavesItsFlushToTheFlowAndOneInAUnitDoesNot()
    {
        await TestDatabases.WithSqliteAsync("CREATE TABLE changes (id integer PRIMARY KEY); CREATE TABLE records (id integer PRIMARY KEY);", async (database, _) =>
        {
            static WriteEnlistment Enlist() => WriteEnlistment.Begin((connection, transaction, token) =>
                connection.ExecuteAsync(new CommandDefinition("INSERT INTO records (id) VALUES (1) ON CONFLICT DO NOTHING", transaction: transaction, cancellationToken: token)));

            // In a unit: its caller is answered once the log is on disk, so nothing is left to await.
            using (var inUnit = Enlist())
            {
                await database.WriteAsync((unit, token) => unit.Connection.ExecuteAsync("INSERT INTO changes (id) VALUES (1)", transaction: unit.Transaction));
                Assert.True(inUnit.Used);
                Assert.False(inUnit.AwaitsFlush);
            }

            // On a write connection of its own: committed without a flush, so the flow must await one.
            using (var alone = Enlist())
            {
                await using (var connection = await database.OpenForWriteAsync())
                {
                    await connection.ExecuteAsync("INSERT INTO changes (id) VALUES (2)");
                }
                Assert.True(alone.AwaitsFlush);
            }
        });
    }

    [Fact]
    public async Task AWriteUnitIsAnsweredOnlyOnceItsBatchHasCommitted()
    {
        var connectionString = await TestDatabases.CreateAsync(StorageProvider.Sqlite);
        try
        {
            await using var database = new Database(StorageProvider.Sqlite, connectionString);
            await using (var setup = await database.OpenForWriteAsync())
            {
                await setup.ExecuteAsync("CREATE TABLE told (id integer PRIMARY KEY)");
            }
            // The writer is held by a first unit; the next two queue up meanwhile and join its batch.
            var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var firstRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = database.WriteAsync(async (unit, token) =>
            {
                firstRunning.SetResult();
                await releaseFirst.Task;
            });
            await firstRunning.Task;

            var inserted = database.WriteAsync((unit, token) => unit.Connection.ExecuteAsync(
                "INSERT INTO told (id) VALUES (1)", transaction: unit.Transaction));
            var releaseLast = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var lastRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var last = database.WriteAsync(async (unit, token) =>
            {
                lastRunning.SetResult();
                await releaseLast.Task;
            });
            releaseFirst.SetResult();
            await lastRunning.Task;

            // The first unit and the insert ran, but their batch has not committed: neither caller
            // may have been told yet.
            Assert.False(first.IsCompleted);
            Assert.False(inserted.IsCompleted);
            Assert.Equal(0, await CountAsync(database, "told"));

            releaseLast.SetResult();
            await Task.WhenAll(first, inserted, last);
            Assert.Equal(1, await CountAsync(database, "told"));
        }
        finally
        {
            await TestDatabases.DropAsync(StorageProvider.Sqlite, connectionString);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UndoInAWriteUnitTakesBackOnlyThatUnitsWrites(StorageProvider provider)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        try
        {
            await using var database = new Database(provider, connectionString);
            await using (var setup = await database.OpenForWriteAsync())
            {
                await setup.ExecuteAsync("CREATE TABLE seats (id integer PRIMARY KEY); CREATE TABLE refusals (id integer PRIMARY KEY)");
            }
            await database.WriteAsync((unit, token) => unit.Connection.ExecuteAsync("INSERT INTO seats (id) VALUES (1)", transaction: unit.Transaction));
            await database.WriteAsync(async (unit, token) =>
            {
                await unit.Connection.ExecuteAsync("INSERT INTO seats (id) VALUES (2)", transaction: unit.Transaction);
                await unit.UndoAsync(token);
                await unit.Connection.ExecuteAsync("INSERT INTO refusals (id) VALUES (2)", transaction: unit.Transaction);
            });

            Assert.Equal(1, await CountAsync(database, "seats"));
            Assert.Equal(1, await CountAsync(database, "refusals"));
        }
        finally
        {
            await TestDatabases.DropAsync(provider, connectionString);
        }
    }

    [Fact]
    public async Task AReadingConnectionIsLentAgainOnlyWhenGivenBackOnceAndOutsideATransaction()
    {
        var connectionString = await TestDatabases.CreateAsync(StorageProvider.Sqlite);
        try
        {
            await using var database = new Database(StorageProvider.Sqlite, connectionString);
            var first = await database.OpenAsync();
            await first.DisposeAsync();
            await first.DisposeAsync(); // a second dispose must not lend it twice
            var again = await database.OpenAsync();
            var other = await database.OpenAsync();
            Assert.Same(first, again);
            Assert.NotSame(again, other);

            // Given back with a transaction still open (its owner forgot it): closed, never lent again.
            var open = await again.BeginTransactionAsync();
            await again.DisposeAsync();
            await other.DisposeAsync();
            await using var next = await database.OpenAsync();
            await using var last = await database.OpenAsync();
            Assert.NotSame(again, next);
            Assert.NotSame(again, last);
            Assert.Equal(1, await next.ExecuteScalarAsync<int>("SELECT 1"));
            GC.KeepAlive(open);
        }
        finally
        {
            await TestDatabases.DropAsync(StorageProvider.Sqlite, connectionString);
        }
    }

    [Fact]
    public async Task AWriteUnitThatOpensAWriteConnectionOfItsOwnFailsInsteadOfWaitingForItself()
    {
        var connectionString = await TestDatabases.CreateAsync(StorageProvider.Sqlite);
        try
        {
            await using var database = new Database(StorageProvider.Sqlite, connectionString);
            var nested = database.WriteAsync(async (unit, token) =>
            {
                await using var second = await database.OpenForWriteAsync(token);
            });

            await Assert.ThrowsAsync<InvalidOperationException>(() => nested);
            // The writer is free again.
            Assert.Equal(1, await database.WriteAsync((unit, token) => unit.Connection.ExecuteScalarAsync<int>("SELECT 1", transaction: unit.Transaction)));
        }
        finally
        {
            await TestDatabases.DropAsync(StorageProvider.Sqlite, connectionString);
        }
    }

    [Fact]
    public async Task AUnitQueuedWhileABatchRunsJoinsThatBatchsCommit()
    {
        await TestDatabases.WithSqliteAsync("CREATE TABLE notes (id integer PRIMARY KEY)", async (database, _) =>
        {
            var running = new TaskCompletionSource();
            var release = new TaskCompletionSource();
            var first = database.WriteAsync(async (unit, token) =>
            {
                await unit.Connection.ExecuteAsync("INSERT INTO notes (id) VALUES (1)", transaction: unit.Transaction);
                running.SetResult();
                await release.Task;
            });
            await running.Task;

            // Queued while the first unit runs: it runs before that unit's commit, in the same
            // transaction, so another connection does not see the first unit's row yet.
            var second = database.WriteAsync(async (unit, token) =>
            {
                await using var reader = await database.OpenAsync(token);
                return await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM notes");
            });
            while (database.QueuedWrites < 1)
            {
                await Task.Delay(10);
            }
            release.SetResult();
            await first;

            Assert.Equal(0, await second);
            Assert.Equal(1, await CountAsync(database, "notes"));
        });
    }

    [Fact]
    public async Task UnderSteadyWritesTheWriteAheadLogIsCopiedBackAndStartedOverInsteadOfGrowing()
    {
        var connectionString = await TestDatabases.CreateAsync(StorageProvider.Sqlite);
        try
        {
            await using (var database = new Database(StorageProvider.Sqlite, connectionString))
            {
                await using (var setup = await database.OpenForWriteAsync())
                {
                    await setup.ExecuteAsync("PRAGMA journal_mode = WAL; CREATE TABLE notes (id integer PRIMARY KEY, body blob NOT NULL)");
                }

                // Sixteen writers that never pause: the writer commits batch after batch while each
                // background checkpoint runs, so none of them alone ever copies the log to its end.
                // About 40 MB of pages go through the log; it stays near 1.5 MB, and reaches about 15 MB when the writer does not catch up.
                var next = 0;
                await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
                {
                    var body = new byte[2000];
                    while (Interlocked.Increment(ref next) <= 20_000)
                    {
                        await database.WriteAsync((unit, token) => unit.Connection.ExecuteAsync(new CommandDefinition(
                            "INSERT INTO notes (body) VALUES (@body)", new { body }, unit.Transaction, cancellationToken: token)));
                    }
                })));
                Assert.Equal(20_000, await CountAsync(database, "notes"));

                // The file keeps the largest size the log ever reached.
                var log = new FileInfo(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource + "-wal");
                Assert.True(log.Length < 6_000_000, $"The write-ahead log reached {log.Length:N0} bytes.");
            }
        }
        finally
        {
            await TestDatabases.DropAsync(StorageProvider.Sqlite, connectionString);
        }
    }

    [Fact]
    public async Task AUnitIsAnsweredOnlyOnceTheLogHoldingItsCommitIsOnDiskAndTheNextUnitsRunDuringThatFlush()
    {
        await TestDatabases.WithSqliteAsync("CREATE TABLE notes (id integer PRIMARY KEY)", async (database, connectionString) =>
        {
            // The first flush is held: the first unit's batch has committed, its log is not on disk yet.
            var flushes = new List<string>();
            var holdFirst = new TaskCompletionSource();
            var firstHeld = new TaskCompletionSource();
            database.FlushLog = path =>
            {
                lock (flushes)
                {
                    flushes.Add(path);
                }
                if (firstHeld.TrySetResult())
                {
                    holdFirst.Task.Wait();
                }
            };

            var first = database.WriteAsync((unit, token) => unit.Connection.ExecuteAsync(
                "INSERT INTO notes (id) VALUES (1)", transaction: unit.Transaction));
            await Task.WhenAny(firstHeld.Task, first);
            Assert.False(first.IsCompleted, "The unit was answered before its log was put on disk.");
            Assert.Equal(1, await CountAsync(database, "notes"));
            Assert.False(first.IsCompleted);

            // The writer does not wait for that flush to run the next unit, but commits it only
            // once the flush has ended, and answers it only after a flush of its own.
            var secondRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var second = database.WriteAsync(async (unit, token) =>
            {
                await unit.Connection.ExecuteAsync("INSERT INTO notes (id) VALUES (2)", transaction: unit.Transaction);
                secondRan.SetResult();
            });
            await Task.WhenAny(secondRan.Task, second);
            Assert.True(secondRan.Task.IsCompleted);
            Assert.Equal(1, await CountAsync(database, "notes"));
            Assert.False(first.IsCompleted);
            Assert.False(second.IsCompleted);

            holdFirst.SetResult();
            await Task.WhenAll(first, second);
            var log = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource + "-wal";
            Assert.Equal(2, flushes.Count);
            Assert.All(flushes, path => Assert.Equal(Path.GetFullPath(log), Path.GetFullPath(path)));
        });
    }

    [Fact]
    public async Task WhenTheLogCannotBePutOnDiskTheUnitsCallerIsNotToldItsWriteHappened()
    {
        await TestDatabases.WithSqliteAsync("CREATE TABLE notes (id integer PRIMARY KEY)", async (database, _) =>
        {
            database.FlushLog = _ => throw new IOException("Input/output error");

            await Assert.ThrowsAsync<IOException>(() => database.WriteAsync((unit, token) => unit.Connection.ExecuteAsync(
                "INSERT INTO notes (id) VALUES (1)", transaction: unit.Transaction)));

            // The disk is back: the writer goes on.
            database.FlushLog = _ => { };
            await database.WriteAsync((unit, token) => unit.Connection.ExecuteAsync(
                "INSERT INTO notes (id) VALUES (2)", transaction: unit.Transaction));
        });
    }

    private static async Task<long> CountAsync(Database database, string table)
    {
        await using var read = await database.OpenAsync();
        return await read.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }
}
