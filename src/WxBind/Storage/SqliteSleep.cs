using System.Runtime.InteropServices;

namespace WxBind.Storage;

/// <summary>
/// SQLite waits inside itself: its busy handler between lock attempts, and a reader that starts
/// while the write-ahead log's index changes under it. It waits by asking its file-system layer to
/// sleep a number of microseconds. The bundled SQLite build (SQLitePCLRaw's e_sqlite3) was compiled
/// without <c>usleep</c> and sleeps in whole seconds instead, so a wait of one millisecond held a
/// request, or the group writer and every unit of its batch, for a full second. This installs a
/// millisecond sleep in the default file-system layer, before any connection opens.
/// </summary>
internal static class SqliteSleep
{
    private static int _installed;

    /// <summary>Replaces the default file-system layer's sleep (once per process).</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }
        var vfs = sqlite3_vfs_find(IntPtr.Zero);
        if (vfs == IntPtr.Zero)
        {
            throw new InvalidOperationException("SQLite has no default file-system layer (sqlite3_vfs_find returned null).");
        }
        Marshal.WriteIntPtr(vfs, Marshal.OffsetOf<Vfs>(nameof(Vfs.XSleep)).ToInt32(), Marshal.GetFunctionPointerForDelegate(SleepFunction));
    }

    /// <summary>What SQLite's own <c>sqlite3_sleep</c> reports for a wait of <paramref name="milliseconds"/>: the time the layer slept.</summary>
    public static int SleptFor(int milliseconds) => sqlite3_sleep(milliseconds);

    // Kept for the life of the process: SQLite holds a pointer to it.
    private static readonly SleepCallback SleepFunction = Sleep;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SleepCallback(IntPtr vfs, int microseconds);

    private static int Sleep(IntPtr vfs, int microseconds)
    {
        var milliseconds = Math.Max(1, (microseconds + 999) / 1000);
        Thread.Sleep(milliseconds);
        return milliseconds * 1000;
    }

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr sqlite3_vfs_find(IntPtr name);

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_sleep(int milliseconds);

    /// <summary>The start of <c>struct sqlite3_vfs</c> (sqlite3.h), up to the sleep function.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Vfs
    {
        public int IVersion;
        public int SzOsFile;
        public int MxPathname;
        public IntPtr PNext;
        public IntPtr ZName;
        public IntPtr PAppData;
        public IntPtr XOpen;
        public IntPtr XDelete;
        public IntPtr XAccess;
        public IntPtr XFullPathname;
        public IntPtr XDlOpen;
        public IntPtr XDlError;
        public IntPtr XDlSym;
        public IntPtr XDlClose;
        public IntPtr XRandomness;
        public IntPtr XSleep;
    }
}
