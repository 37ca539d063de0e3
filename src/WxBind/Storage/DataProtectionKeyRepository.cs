using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace WxBind.Storage;

/// <summary>
/// Keeps the data-protection key ring in the database, so login cookies and antiforgery tokens
/// survive a restart and are understood by every instance that shares the database.
/// </summary>
internal sealed class DataProtectionKeyRepository(Database database) : IXmlRepository
{
    // IXmlRepository is synchronous by contract; it is called rarely (key ring load and rotation).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.OpenAsync().AsTask().GetAwaiter().GetResult();
        return connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY id")
            .Select(x => XElement.Parse(x))
            .ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = database.OpenForWriteAsync().AsTask().GetAwaiter().GetResult();
        connection.Execute(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@friendlyName, @xml)",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
