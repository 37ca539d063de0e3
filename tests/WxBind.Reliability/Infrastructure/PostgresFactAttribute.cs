namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// A test that needs PostgreSQL: it runs when <c>WXBIND_TEST_POSTGRES</c> is set (the test script
/// sets it, CI requires it) and is reported as skipped with the reason otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabase.PostgresAdmin is null)
        {
            Skip = "WXBIND_TEST_POSTGRES is not set (./scripts/test.sh sets it when PostgreSQL is installed)";
        }
    }
}
