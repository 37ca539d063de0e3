namespace WxBind.Storage;

/// <summary>Which database WxBind keeps its data in (<c>WxBind:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "WxBind:Storage";

    /// <summary><c>Sqlite</c> (default, an embedded file) or <c>Postgres</c> (several instances).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}
