using System.Data;
using Dapper;

namespace WxBind.Storage;

/// <summary>
/// Every <c>*_at</c> column is a 64-bit count of Unix milliseconds on both providers: it compares
/// and sorts the same way in SQLite and PostgreSQL, and needs no dialect-specific date SQL.
/// </summary>
internal sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.DbType = DbType.Int64;
        parameter.Value = value.ToUnixTimeMilliseconds();
    }

    public override DateTimeOffset Parse(object value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
}
