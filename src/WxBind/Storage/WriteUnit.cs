using System.Data.Common;

namespace WxBind.Storage;

/// <summary>One unit of a shared write transaction (<see cref="Database.WriteAsync{T}"/>).</summary>
internal sealed class WriteUnit(DbConnection connection, DbTransaction transaction)
{
    internal const string Savepoint = "unit";

    public DbConnection Connection { get; } = connection;

    public DbTransaction Transaction { get; } = transaction;

    /// <summary>Undoes what this unit wrote so far; what it writes afterwards still commits.</summary>
    public Task UndoAsync(CancellationToken cancellationToken) => Transaction.RollbackAsync(Savepoint, cancellationToken);
}
