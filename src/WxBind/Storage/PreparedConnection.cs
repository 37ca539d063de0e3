using System.Collections;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace WxBind.Storage;

/// <summary>
/// A long-lived SQLite connection with a prepared statement per SQL text: the group writer's, and
/// the lent reading connections of <see cref="Database.OpenAsync"/>. Dapper creates a command for
/// every call and SQLite would compile its SQL every time, which costs more than running it; here
/// a command's text finds its statement compiled already, so queries stay plain Dapper and still
/// run at the speed of prepared ones.
/// </summary>
/// <param name="giveBack">For a lent connection: takes it back on dispose (false: close it instead).</param>
internal sealed class PreparedConnection(SqliteConnection inner, Func<PreparedConnection, bool>? giveBack = null) : DbConnection
{
    // SQL built at run time (a search with a varying number of terms) must not grow the cache without end.
    private const int MaxStatements = 256;

    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);
    private int _lent;

    public SqliteConnection Inner => inner;

    /// <summary>Open and outside any transaction: fit to be lent again.</summary>
    internal bool IsIdle => inner.State == ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(inner.Handle) != 0;

    /// <summary>Marks the connection as lent: its next dispose gives it back.</summary>
    internal void Lend() => Volatile.Write(ref _lent, 1);

    /// <summary>The statement for <paramref name="commandText"/>, compiled on first use.</summary>
    internal SqliteCommand Statement(string commandText)
    {
        if (!_statements.TryGetValue(commandText, out var statement))
        {
            if (_statements.Count >= MaxStatements)
            {
                DisposeStatements();
            }
            statement = inner.CreateCommand();
            statement.CommandText = commandText;
            _statements.Add(commandText, statement);
        }
        return statement;
    }

    /// <summary>Runs a statement without parameters or results (a savepoint) in <paramref name="transaction"/>.</summary>
    internal void Execute(string commandText, SqliteTransaction? transaction)
    {
        var statement = Statement(commandText);
        statement.Transaction = transaction;
        statement.Parameters.Clear();
        statement.ExecuteNonQuery();
    }

    /// <summary>Closes the connection for good (the pool is closing).</summary>
    internal void Discard()
    {
        DisposeStatements();
        inner.Dispose();
    }

    private void DisposeStatements()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }
        _statements.Clear();
    }

    [AllowNull]
    public override string ConnectionString
    {
        get => inner.ConnectionString;
        set => throw new NotSupportedException("The writer's connection string is fixed.");
    }

    public override string Database => inner.Database;

    public override string DataSource => inner.DataSource;

    public override string ServerVersion => inner.ServerVersion;

    public override ConnectionState State => inner.State;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

    public override void Open() => inner.Open();

    public override void Close() => inner.Close();

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => new PreparedCommand(this);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (giveBack is null)
            {
                Discard();
            }
            else if (Interlocked.Exchange(ref _lent, 0) == 1 && !giveBack(this))
            {
                Discard();
            }
        }
        base.Dispose(disposing);
    }

    /// <summary>A command as Dapper builds it; it runs as the connection's prepared statement of the same text.</summary>
    private sealed class PreparedCommand(PreparedConnection connection) : DbCommand
    {
        private readonly ParameterList _parameters = new();

        [AllowNull]
        public override string CommandText { get; set; } = "";

        public override int CommandTimeout { get; set; } = 30;

        public override CommandType CommandType { get; set; } = CommandType.Text;

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection
        {
            get => connection;
            set => throw new NotSupportedException("A prepared command belongs to its connection.");
        }

        protected override DbParameterCollection DbParameterCollection => _parameters;

        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel()
        {
        }

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => new SqliteParameter();

        public override int ExecuteNonQuery() => Bound().ExecuteNonQuery();

        public override object? ExecuteScalar() => Bound().ExecuteScalar();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) =>
            // Closing the reader must not close the writer's connection.
            Bound().ExecuteReader(behavior & ~CommandBehavior.CloseConnection);

        private SqliteCommand Bound()
        {
            if (CommandType != CommandType.Text)
            {
                throw new NotSupportedException("Only SQL text runs on the writer's connection.");
            }
            var statement = connection.Statement(CommandText);
            statement.Transaction = (SqliteTransaction?)DbTransaction;
            statement.CommandTimeout = CommandTimeout;
            statement.Parameters.Clear();
            foreach (SqliteParameter parameter in _parameters)
            {
                // Dapper names parameters without their prefix; SQLite would then look the name up
                // once as given and once per prefix (@, $, :) on every run.
                if (parameter.ParameterName is [not ('@' or '$' or ':'), ..] name)
                {
                    parameter.ParameterName = "@" + name;
                }
                statement.Parameters.Add(parameter);
            }
            return statement;
        }
    }

    private sealed class ParameterList : DbParameterCollection
    {
        private readonly List<SqliteParameter> _items = [];

        public override int Count => _items.Count;

        public override object SyncRoot => _items;

        public override int Add(object value)
        {
            _items.Add((SqliteParameter)value);
            return _items.Count - 1;
        }

        public override void AddRange(Array values)
        {
            foreach (var value in values)
            {
                Add(value);
            }
        }

        public override void Clear() => _items.Clear();

        public override bool Contains(object value) => _items.Contains((SqliteParameter)value);

        public override bool Contains(string value) => IndexOf(value) >= 0;

        public override void CopyTo(Array array, int index) => ((ICollection)_items).CopyTo(array, index);

        public override IEnumerator GetEnumerator() => _items.GetEnumerator();

        public override int IndexOf(object value) => _items.IndexOf((SqliteParameter)value);

        public override int IndexOf(string parameterName) => _items.FindIndex(p => p.ParameterName == parameterName);

        public override void Insert(int index, object value) => _items.Insert(index, (SqliteParameter)value);

        public override void Remove(object value) => _items.Remove((SqliteParameter)value);

        public override void RemoveAt(int index) => _items.RemoveAt(index);

        public override void RemoveAt(string parameterName) => _items.RemoveAt(IndexOf(parameterName));

        protected override DbParameter GetParameter(int index) => _items[index];

        protected override DbParameter GetParameter(string parameterName) => _items[IndexOf(parameterName)];

        protected override void SetParameter(int index, DbParameter value) => _items[index] = (SqliteParameter)value;

        protected override void SetParameter(string parameterName, DbParameter value) => _items[IndexOf(parameterName)] = (SqliteParameter)value;
    }
}
