using System.Collections.Concurrent;

namespace WxBind.Reliability.Load;

/// <summary>
/// Runs the mixed load: each worker picks a weighted random action again and again until
/// stopped, keeping every write acknowledged to a client. The actions and the invariants are
/// lists: a new feature adds its own entries here.
/// </summary>
public sealed class LoadMix(IReadOnlyList<(ILoadAction Action, int Weight)> actions, IReadOnlyList<LoadInvariant> invariants)
{
    public static LoadMix CreateDefault() => new(
        [
            (new RegisterAction(), 2),
            (new ScanBindAction(), 4),
            (new QrLoginAction(), 2),
            (new TextPushAction(), 4),
        ],
        [
            new("duplicate bindings of one openid",
                "SELECT COUNT(*) FROM (SELECT openid FROM wechat_bindings GROUP BY app_id, openid HAVING COUNT(*) > 1) d"),
            new("duplicate bindings of one account",
                "SELECT COUNT(*) FROM (SELECT user_id FROM wechat_bindings GROUP BY user_id, app_id HAVING COUNT(*) > 1) d"),
            new("duplicate 'bound' ledger entries",
                "SELECT COUNT(*) FROM (SELECT openid FROM binding_ledger WHERE action = 'bound' GROUP BY app_id, openid, user_id HAVING COUNT(*) > 1) d"),
            new("bindings without their ledger entry",
                "SELECT COUNT(*) FROM wechat_bindings b WHERE NOT EXISTS (SELECT 1 FROM binding_ledger l WHERE l.action = 'bound' AND l.openid = b.openid AND l.user_id = b.user_id)"),
            new("duplicate accounts", "SELECT COUNT(*) FROM (SELECT normalized_email FROM users GROUP BY normalized_email HAVING COUNT(*) > 1) d"),
        ]);

    public IReadOnlyList<LoadInvariant> Invariants => invariants;

    public ConcurrentQueue<IAcknowledgedWrite> Acknowledged { get; } = new();

    public ConcurrentDictionary<string, int> Completed { get; } = new();

    public ConcurrentDictionary<string, int> Failed { get; } = new();

    /// <summary>Runs <paramref name="workers"/> workers until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(LoadContext context, int workers, int seed, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(context, new Random(seed + w), stop), CancellationToken.None)));

    private async Task WorkerAsync(LoadContext context, Random random, CancellationToken stop)
    {
        var total = actions.Sum(a => a.Weight);
        while (!stop.IsCancellationRequested)
        {
            var pick = random.Next(total);
            var action = actions.First(a => (pick -= a.Weight) < 0).Action;
            try
            {
                foreach (var write in await action.RunAsync(context, stop))
                {
                    Acknowledged.Enqueue(write);
                }
                Completed.AddOrUpdate(action.Name, 1, (_, n) => n + 1);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or InvalidOperationException or System.Text.Json.JsonException)
            {
                // The app went away mid-operation (or is stopping): nothing was promised to this user.
                Failed.AddOrUpdate(action.Name, 1, (_, n) => n + 1);
                if (!stop.IsCancellationRequested)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
            }
        }
    }

    /// <summary>
    /// Checks the acknowledged writes not checked before (all of them when <paramref name="all"/>)
    /// and every invariant: the problems found (empty when sound) and how many writes were checked.
    /// </summary>
    public async Task<(IReadOnlyList<string> Problems, int Checked)> VerifyAsync(Infrastructure.TestDatabase database, bool all = false)
    {
        var writes = Acknowledged.ToArray();
        var from = all ? 0 : _verified;
        _verified = writes.Length;
        var problems = new List<string>();
        await using var connection = await database.OpenAsync();
        foreach (var write in writes.Skip(from))
        {
            if (await write.CheckAsync(connection) is { } problem)
            {
                problems.Add(problem);
            }
        }
        foreach (var invariant in invariants)
        {
            var count = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, invariant.Sql);
            if (count != 0)
            {
                problems.Add($"{invariant.Name}: {count}");
            }
        }
        return (problems, writes.Length - from);
    }

    private int _verified;

    public string Summary() =>
        string.Join(", ", Completed.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value} ok/{Failed.GetValueOrDefault(p.Key)} cut"));
}
