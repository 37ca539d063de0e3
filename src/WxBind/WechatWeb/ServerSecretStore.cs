using System.Security.Cryptography;
using Dapper;
using WxBind.Storage;

namespace WxBind.WechatWeb;

/// <summary>
/// The <c>server_secrets</c> table: keys the server generates for itself. Insert-if-absent, then
/// read back, so instances that start together all end up with the first one's value.
/// </summary>
internal sealed class ServerSecretStore(Database database, TimeProvider time)
{
    public async Task<byte[]> GetOrCreateAsync(string name, int bytes, CancellationToken cancellationToken)
    {
        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO server_secrets (name, value, created_at) VALUES (@name, @candidate, @now) ON CONFLICT (name) DO NOTHING",
            new { name, candidate, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        var value = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT value FROM server_secrets WHERE name = @name", new { name }, cancellationToken: cancellationToken));
        return Convert.FromBase64String(value!);
    }
}
