namespace WxBind.ClusterTests;

/// <summary>A cluster test that also drives Chromium (<c>WXBIND_TEST_BROWSER</c>, set by the test script and required in CI).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterBrowserFactAttribute : FactAttribute
{
    public ClusterBrowserFactAttribute()
    {
        Skip = new ClusterFactAttribute().Skip;
        if (Skip is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WXBIND_TEST_BROWSER")))
        {
            Skip = "WXBIND_TEST_BROWSER is not set (./scripts/test.sh sets it when Chromium is installed)";
        }
    }
}
