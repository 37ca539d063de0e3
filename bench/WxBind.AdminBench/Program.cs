using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace WxBind.AdminBench;

/// <summary>
/// The admin dashboard on SQLite with 100,000 users and 100,000 ledger rows (plus 70,000 bindings,
/// 20,000 QR sessions and 2,000 deliveries): seeds a fresh database, signs in an administrator
/// and times GET /admin through the whole pipeline. Arguments: [users] [ledger rows] [requests].
/// </summary>
internal static partial class DashboardBench
{
    private const string AppId = "wxbench0000000001";

    public static async Task Main(string[] args)
    {
        var users = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var ledger = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var requests = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 50;
        var dir = Directory.CreateTempSubdirectory("wxbind-adminbench");
        var dbPath = Path.Combine(dir.FullName, "bench.db");
        try
        {
            await using var factory = new DashboardFactory(dbPath);
            var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

            // An administrator, registered through the page like anyone else.
            var form = await client.GetStringAsync(new Uri("/account/register", UriKind.Relative));
            var token = WebUtility.HtmlDecode(TokenRegex().Match(form).Groups[1].Value);
            var registered = await client.PostAsync(new Uri("/account/register", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = "admin@bench.example", ["Input.DisplayName"] = "Admin", ["Input.Password"] = "bench-pass-1",
                ["__RequestVerificationToken"] = token,
            }));
            if (registered.StatusCode != HttpStatusCode.Redirect)
            {
                throw new InvalidOperationException($"registration answered {registered.StatusCode}");
            }

            var seeding = Stopwatch.StartNew();
            Seed(dbPath, users, ledger);
            Console.WriteLine($"seeded {users:N0} users, {ledger:N0} ledger rows in {seeding.Elapsed.TotalSeconds:F1} s");

            for (var i = 0; i < 5; i++)
            {
                (await client.GetAsync(new Uri("/admin", UriKind.Relative))).EnsureSuccessStatusCode();
            }
            var times = new List<double>();
            for (var i = 0; i < requests; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync(new Uri("/admin", UriKind.Relative));
                await response.Content.ReadAsByteArrayAsync();
                watch.Stop();
                response.EnsureSuccessStatusCode();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"GET /admin x{requests}: median {times[times.Count / 2]:F1} ms, p95 {times[(int)(times.Count * 0.95)]:F1} ms, max {times[^1]:F1} ms");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            // WXBIND_BENCH_KEEP=1 keeps the seeded file, to look at query plans with sqlite3.
            if (Environment.GetEnvironmentVariable("WXBIND_BENCH_KEEP") is null)
            {
                dir.Delete(recursive: true);
            }
            else
            {
                Console.WriteLine($"kept {dbPath}");
            }
        }
    }

    /// <summary>Rows spread over the last 60 days, in one transaction straight into the app's (already migrated) file.</summary>
    private static void Seed(string dbPath, int users, int ledger)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        const long Span = 60L * 86_400_000;
        var random = new Random(42);
        using var connection = new SqliteConnection($"Data Source={dbPath}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var command = Prepare(connection, transaction,
            "INSERT INTO users (id, email, normalized_email, display_name, security_stamp, concurrency_stamp, created_at) VALUES ($id, $e, $n, $d, 's', 'c', $at)",
            "$id", "$e", "$n", "$d", "$at"))
        using (var binding = Prepare(connection, transaction,
            "INSERT INTO wechat_bindings (user_id, app_id, openid, subscribed, bound_at) VALUES ($id, $app, $o, $s, $at)", "$id", "$app", "$o", "$s", "$at"))
        {
            for (var i = 0; i < users; i++)
            {
                var at = now - random.NextInt64(Span);
                Run(command, $"u{i:D7}", $"user{i}@bench.example", $"USER{i}@BENCH.EXAMPLE", $"用户{i}", at);
                if (i % 10 < 7)
                {
                    Run(binding, $"u{i:D7}", AppId, $"oBench{i:D22}", i % 10 < 6 ? 1 : 0, at);
                }
            }
        }
        string[] actions = ["bound", "bound", "unbound", "qr_login", "qr_login", "conflict", "unsubscribed", "resubscribed"];
        using (var command = Prepare(connection, transaction,
            "INSERT INTO binding_ledger (action, user_id, app_id, openid, detail, at) VALUES ($a, $u, $app, $o, 'qr', $at)", "$a", "$u", "$app", "$o", "$at"))
        {
            for (var i = 0; i < ledger; i++)
            {
                var user = random.Next(users);
                Run(command, actions[i % actions.Length], $"u{user:D7}", AppId, $"oBench{user:D22}", now - random.NextInt64(Span));
            }
        }
        string[] statuses = ["completed", "completed", "expired", "expired", "conflict", "cancelled", "pending", "scanned"];
        using (var command = Prepare(connection, transaction,
            """
            INSERT INTO qr_sessions (id, purpose, status, scene_str, browser_hash, openid, created_at, updated_at, expires_at)
            VALUES ($id, $p, $s, $id, 'h', $o, $at, $at, $exp)
            """, "$id", "$p", "$s", "$o", "$at", "$exp"))
        {
            for (var i = 0; i < 20_000; i++)
            {
                var at = now - random.NextInt64(Span);
                var status = statuses[i % statuses.Length];
                Run(command, $"q{i}", i % 3 == 0 ? "login" : "bind", status, status is "pending" or "expired" ? null : $"oBench{i:D22}", at, at + 300_000);
            }
        }
        using (var command = Prepare(connection, transaction,
            "INSERT INTO wechat_deliveries (kind, openid, purpose, errcode, errmsg, outcome, at) VALUES ($k, $o, 'bench', $c, $m, $r, $at)", "$k", "$o", "$c", "$m", "$r", "$at"))
        {
            for (var i = 0; i < 2_000; i++)
            {
                var refused = i % 4 == 0;
                Run(command, i % 2 == 0 ? "custom" : "template", $"oBench{i:D22}", refused ? 45015 : 0, refused ? "response out of time limit" : null, refused ? "refused" : "sent", now - random.NextInt64(Span));
            }
        }
        using (var admin = Prepare(connection, transaction, "UPDATE users SET is_admin = 1 WHERE normalized_email = 'ADMIN@BENCH.EXAMPLE'"))
        {
            admin.ExecuteNonQuery();
        }
        transaction.Commit();
        using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        analyze.ExecuteNonQuery();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        command.ExecuteNonQuery();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}

internal sealed class DashboardFactory(string dbPath) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The app's own folder (its pages' static files), found from the repository root.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "WxBind.slnx")))
        {
            root = root.Parent;
        }
        builder.UseContentRoot(Path.Combine(root?.FullName ?? ".", "src", "WxBind"));
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={dbPath}");
        builder.UseSetting("Wechat:AppId", "wxbench0000000001");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
