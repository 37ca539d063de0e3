namespace WxBind.Tests.Infrastructure;

/// <summary>
/// A test that only means something on PostgreSQL (several instances on one database). It runs
/// when <c>WXBIND_TEST_POSTGRES</c> is set (the test script sets it, CI requires it); elsewhere it
/// is reported as skipped with the reason, never passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    private const string Reason = "WXBIND_TEST_POSTGRES is not set (./scripts/test.sh sets it when PostgreSQL is installed)";

    public PostgresFactAttribute()
    {
        if (TestDatabases.PostgresAdminConnectionString is null)
        {
            Skip = Reason;
        }
    }
}
