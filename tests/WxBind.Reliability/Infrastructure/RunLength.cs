namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// Short runs in the test script (CI); long runs with <c>WXBIND_RELIABILITY=long</c>
/// (<c>scripts/reliability.sh</c>). Each test picks its sizes from here.
/// </summary>
public static class RunLength
{
    public static bool IsLong => string.Equals(Environment.GetEnvironmentVariable("WXBIND_RELIABILITY"), "long", StringComparison.OrdinalIgnoreCase);

    public static int Pick(int shortValue, int longValue) => IsLong ? longValue : shortValue;

    public static TimeSpan Pick(TimeSpan shortValue, TimeSpan longValue) => IsLong ? longValue : shortValue;

    /// <summary>A seed from <c>WXBIND_RELIABILITY_SEED</c> to replay a run, else a fresh one (always printed).</summary>
    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("WXBIND_RELIABILITY_SEED"), out var seed)
        ? seed
        : Random.Shared.Next();
}
