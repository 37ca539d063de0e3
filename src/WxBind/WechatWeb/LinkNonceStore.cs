using Dapper;
using WxBind.Storage;

namespace WxBind.WechatWeb;

/// <summary>
/// The <c>link_nonces</c> table: a signed link's nonce is used once. The primary key decides
/// between concurrent opens and between instances; a nonce is remembered only as long as its link
/// could still be accepted, after which the timestamp check refuses it anyway.
/// </summary>
internal sealed class LinkNonceStore(Database database, TimeProvider time)
{
    /// <summary>Whether the nonce was used already (a read: nothing is spent).</summary>
    public async Task<bool> IsSpentAsync(string nonce, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM link_nonces WHERE nonce = @nonce AND expires_at >= @now",
            new { nonce, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Records the nonce; false when it was used before.</summary>
    public async Task<bool> TryConsumeAsync(string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        // Sweeping here keeps the table small without a background job: it only ever holds the
        // nonces of links that are still within their lifetime.
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM link_nonces WHERE expires_at < @now", new { now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO link_nonces (nonce, expires_at) VALUES (@nonce, @expiresAt) ON CONFLICT (nonce) DO NOTHING",
            new { nonce, expiresAt }, cancellationToken: cancellationToken));
        return inserted > 0;
    }
}
