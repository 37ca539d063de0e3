namespace WxBind.BrowserTests;

/// <summary>
/// A test that drives Chromium. It runs when <c>WXBIND_TEST_BROWSER</c> is set (the test script
/// sets it, and CI requires it); elsewhere it is reported as skipped with the reason, never passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    private const string Reason = "WXBIND_TEST_BROWSER is not set (./scripts/test.sh sets it when Chromium is installed)";

    public BrowserFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WXBIND_TEST_BROWSER")))
        {
            Skip = Reason;
        }
    }
}
