using WxBind.Storage;

namespace WxBind.Tests.Storage;

public sealed class SqliteSleepTests
{
    [Fact]
    public void SqliteWaitsInMillisecondsNotInWholeSeconds()
    {
        SQLitePCL.Batteries_V2.Init();
        SqliteSleep.Install();

        // sqlite3_sleep reports how long the file-system layer slept: the bundled build's own sleep
        // reports 1,000 ms for a wait of 1 ms.
        Assert.Equal(1, SqliteSleep.SleptFor(1));
        Assert.Equal(25, SqliteSleep.SleptFor(25));
    }
}
