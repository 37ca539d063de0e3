using System.Globalization;

namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// A process's resident memory split by where it lives, from <c>/proc/PID/smaps</c>: the .NET
/// GC's heap (the runtime reserves one large contiguous range of address space for it, hundreds
/// of GB, and commits regions inside it), other anonymous memory (native: malloc arenas and the
/// SQLite page caches in them, thread stacks, JIT-compiled code, the runtime's own data) and
/// memory backed by files (the mapped assemblies and libraries).
/// </summary>
public readonly record struct MemoryMap(long RssKb, long GcHeapKb, long NativeKb, long FilesKb, int Threads)
{
    public static MemoryMap Read(int pid)
    {
        // Anonymous mappings as (start, end, size, rss), to find the GC's range among them.
        var anonymous = new List<(ulong Start, ulong End, long SizeKb, long RssKb)>();
        long files = 0;
        ulong start = 0, end = 0;
        var isAnonymous = false;
        long size = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }
            var dash = fields[0].IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && !fields[0].EndsWith(':'))
            {
                // A mapping's header: "start-end perms offset dev inode [path]". Heap, stacks and
                // unnamed mappings are anonymous; files (also deleted ones and memfd) are not.
                start = ulong.Parse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                end = ulong.Parse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                isAnonymous = fields.Length < 6 || fields[5].StartsWith('[');
                continue;
            }
            switch (fields[0])
            {
                case "Size:":
                    size = long.Parse(fields[1], CultureInfo.InvariantCulture);
                    break;
                case "Rss:":
                    var rss = long.Parse(fields[1], CultureInfo.InvariantCulture);
                    if (isAnonymous)
                    {
                        anonymous.Add((start, end, size, rss));
                    }
                    else
                    {
                        files += rss;
                    }
                    break;
            }
        }

        // The GC's range: the run of adjacent anonymous mappings with the most address space
        // (committed regions split the reservation into several mappings).
        anonymous.Sort((a, b) => a.Start.CompareTo(b.Start));
        long bestSize = 0, bestRss = 0, runSize = 0, runRss = 0;
        ulong runEnd = 0;
        foreach (var mapping in anonymous)
        {
            if (mapping.Start != runEnd)
            {
                runSize = 0;
                runRss = 0;
            }
            runSize += mapping.SizeKb;
            runRss += mapping.RssKb;
            runEnd = mapping.End;
            if (runSize > bestSize)
            {
                bestSize = runSize;
                bestRss = runRss;
            }
        }
        var anonymousRss = anonymous.Sum(m => m.RssKb);
        var threads = Directory.GetDirectories($"/proc/{pid}/task").Length;
        return new MemoryMap(anonymousRss + files, bestRss, anonymousRss - bestRss, files, threads);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"RSS {RssKb / 1024.0:0} MB (GC heap {GcHeapKb / 1024.0:0}, native {NativeKb / 1024.0:0}, files {FilesKb / 1024.0:0}), {Threads} threads");
}
