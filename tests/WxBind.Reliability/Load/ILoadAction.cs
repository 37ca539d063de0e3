namespace WxBind.Reliability.Load;

/// <summary>
/// One kind of user activity in the mixed load. A new feature joins the load by adding a class
/// (and its <see cref="IAcknowledgedWrite"/> and any <see cref="LoadInvariant"/>) to
/// <see cref="LoadMix.CreateDefault"/>: sign-ups, check-ins and orders drop in the same way.
/// </summary>
public interface ILoadAction
{
    string Name { get; }

    /// <summary>
    /// Runs one operation as a user would. Returns what the user was told succeeded — only when
    /// that success actually reached the client — or null. A failure (the app killed mid-way) is
    /// an exception, and nothing is owed to the user.
    /// </summary>
    Task<IReadOnlyList<IAcknowledgedWrite>> RunAsync(LoadContext context, CancellationToken cancellationToken);
}

/// <summary>A write whose success reached the client: it must be in the database, exactly once.</summary>
public interface IAcknowledgedWrite
{
    string Kind { get; }

    /// <summary>Null when the write is there exactly once; otherwise what is wrong.</summary>
    Task<string?> CheckAsync(System.Data.Common.DbConnection database);
}

/// <summary>A query over the whole database that must answer 0 (no duplicates, nothing half-written).</summary>
public sealed record LoadInvariant(string Name, string Sql);
