using System.Data.Common;

namespace WxBind.Storage;

/// <summary>
/// A write that joins every write the current flow makes through <see cref="Database"/>: the
/// WeChat callback enlists a push's dedup record, so the record commits in the same transaction
/// as whatever state change a handler makes, and a push that changes nothing writes nothing.
/// The write must be idempotent: it runs once per write connection or transaction.
/// </summary>
internal sealed class WriteEnlistment : IDisposable
{
    private static readonly AsyncLocal<WriteEnlistment?> CurrentFlow = new();

    private readonly Func<DbConnection, DbTransaction?, CancellationToken, Task> _write;
    private volatile bool _closed;
    private volatile bool _used;
    private volatile bool _awaitsFlush;

    private WriteEnlistment(Func<DbConnection, DbTransaction?, CancellationToken, Task> write) => _write = write;

    /// <summary>The enlistment of this flow, while it is open.</summary>
    public static WriteEnlistment? Current => CurrentFlow.Value is { _closed: false } enlistment ? enlistment : null;

    /// <summary>True once a write connection or transaction was opened while enlisted (committed or not).</summary>
    public bool Used => _used;

    /// <summary>
    /// True once an enlisted write ran on a write connection of its own rather than in a group
    /// commit's unit: that connection commits without a flush, so the flow must await a group
    /// commit before it tells anyone. A unit's caller is answered only once its log is on disk.
    /// </summary>
    public bool AwaitsFlush => _awaitsFlush;

    /// <summary>Enlists <paramref name="write"/> for the rest of the calling flow, until disposed.</summary>
    public static WriteEnlistment Begin(Func<DbConnection, DbTransaction?, CancellationToken, Task> write)
    {
        var enlistment = new WriteEnlistment(write);
        CurrentFlow.Value = enlistment;
        return enlistment;
    }

    internal Task WriteAsync(DbConnection connection, DbTransaction? transaction, bool inGroupUnit, CancellationToken cancellationToken)
    {
        _used = true;
        _awaitsFlush |= !inGroupUnit;
        return _write(connection, transaction, cancellationToken);
    }

    /// <summary>Work the flow left running (a fire-and-forget write) no longer enlists.</summary>
    public void Dispose()
    {
        _closed = true;
        if (CurrentFlow.Value == this)
        {
            CurrentFlow.Value = null;
        }
    }
}
