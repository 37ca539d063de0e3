using System.Data.Common;
using System.Text.Json;
using Dapper;
using WxBind.Storage;

namespace WxBind.Orders;

/// <summary>Reads and writes <c>orders</c>; every read for a user is filtered by that user.</summary>
internal sealed class OrderStore(Database database)
{
    private const string Columns = "id, user_id, items, amount_fen, status, created_at, updated_at";

    public async Task<long> InsertAsync(Order order, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO orders (user_id, items, amount_fen, status, created_at, updated_at)
            VALUES (@UserId, @items, @AmountFen, @Status, @CreatedAt, @UpdatedAt) RETURNING id
            """,
            new { order.UserId, items = JsonSerializer.Serialize(order.Items), order.AmountFen, order.Status, order.CreatedAt, order.UpdatedAt },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Order>> ListForUserAsync(string userId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await QueryAsync(connection, $"SELECT {Columns} FROM orders WHERE user_id = @userId ORDER BY id DESC LIMIT @take", new { userId, take }, cancellationToken);
    }

    /// <summary>The order if it belongs to <paramref name="userId"/>; another account's order is as absent as a missing one.</summary>
    public async Task<Order?> FindForUserAsync(long id, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return First(await QueryAsync(connection, $"SELECT {Columns} FROM orders WHERE id = @id AND user_id = @userId", new { id, userId }, cancellationToken));
    }

    public async Task<Order?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return First(await QueryAsync(connection, $"SELECT {Columns} FROM orders WHERE id = @id", new { id }, cancellationToken));
    }

    /// <summary>Newest first, optionally of one status; one row more than asked tells whether there is a next page.</summary>
    public async Task<IReadOnlyList<Order>> ListAsync(string? status, int take, int skip, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var where = status is null ? "" : "WHERE status = @status";
        return await QueryAsync(connection, $"SELECT {Columns} FROM orders {where} ORDER BY id DESC LIMIT @take OFFSET @skip", new { status, take, skip }, cancellationToken);
    }

    /// <summary>
    /// Moves the order from <paramref name="from"/> to <paramref name="to"/> only if it is still in
    /// <paramref name="from"/>: two administrators acting at once cannot both win.
    /// </summary>
    public static async Task<bool> ChangeStatusAsync(DbConnection connection, DbTransaction transaction, long id, string from, string to, DateTimeOffset at, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE orders SET status = @to, updated_at = @at WHERE id = @id AND status = @from",
            new { id, from, to, at }, transaction, cancellationToken: cancellationToken)) == 1;

    private static Order? First(IReadOnlyList<Order> orders) => orders.Count > 0 ? orders[0] : null;

    private static async Task<IReadOnlyList<Order>> QueryAsync(DbConnection connection, string sql, object parameters, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<OrderRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => new Order
        {
            Id = r.Id,
            UserId = r.UserId,
            Items = JsonSerializer.Deserialize<List<OrderItem>>(r.Items) ?? [],
            AmountFen = r.AmountFen,
            Status = r.Status,
            CreatedAt = r.CreatedAt,
            UpdatedAt = r.UpdatedAt,
        }).ToList();
    }

    private sealed class OrderRow
    {
        public long Id { get; set; }
        public string UserId { get; set; } = "";
        public string Items { get; set; } = "";
        public long AmountFen { get; set; }
        public string Status { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
    }
}
