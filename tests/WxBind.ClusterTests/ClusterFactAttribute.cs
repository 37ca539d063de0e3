using WxBind.Tests.Infrastructure;

namespace WxBind.ClusterTests;

/// <summary>
/// A test against a real cluster: nginx in front of several instances on PostgreSQL. It belongs to
/// the PostgreSQL suite: it runs when <c>WXBIND_TEST_POSTGRES</c> is set. Without nginx it is
/// skipped with the reason — unless CI requires the suite (<c>WXBIND_REQUIRE_POSTGRES</c>), where
/// it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (TestDatabases.PostgresAdminConnectionString is null)
        {
            Skip = "WXBIND_TEST_POSTGRES is not set (./scripts/test.sh sets it when PostgreSQL is installed)";
        }
        else if (ClusterFixture.NginxPath() is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WXBIND_REQUIRE_POSTGRES")))
        {
            Skip = "nginx is not installed (./scripts/test.sh installs it as root)";
        }
    }
}
