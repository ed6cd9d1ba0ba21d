#if canImport(Glibc)
import Glibc
#endif

// glibc's allocator settings that decide how much of the memory a node frees goes back to the
// kernel. Swift's Glibc module does not export <malloc.h>'s `mallopt` and `malloc_trim`, so
// they are looked up in the process (both are in every glibc since 2.x); elsewhere they are
// no-ops.
//
// Why the mmap threshold matters here (docs/BENCHMARKS.md, "RSS (h/rss)"): glibc serves a
// request of at least the threshold with its own mmap and unmaps it on free, but the first
// time such a block is freed it raises the threshold to that block's size (up to 32 MB). A
// node frees big blocks all the time (the log's entry array rebuilt at each compaction, the
// dictionary's copy-on-write copy during a snapshot, the sorted key array the snapshot
// writer builds), so after the first snapshot those blocks come from the heap instead, and
// the holes they leave between small live blocks stay resident. Fixing the threshold turns
// the dynamic raise off: a node loaded with 632k keys kept 234 MB instead of 299 MB.
public enum GlibcMalloc {
    /// The fixed threshold raft-node sets at start: the size of the snapshot file writer's
    /// packing buffer, well above any per-request allocation (a pipelined batch, an entry).
    public static let defaultMmapThreshold = 256 << 10

    /// Fixes glibc's mmap threshold at `bytes` unless the environment already chose one
    /// (`MALLOC_MMAP_THRESHOLD_` or a `glibc.malloc.mmap_threshold` tunable), which wins.
    /// Returns whether it was set.
    @discardableResult
    public static func fixMmapThreshold(_ bytes: Int = defaultMmapThreshold) -> Bool {
        #if canImport(Glibc)
        if getenv("MALLOC_MMAP_THRESHOLD_") != nil { return false }
        if let t = getenv("GLIBC_TUNABLES"), String(cString: t).contains("mmap_threshold") { return false }
        guard let f = symbol("mallopt", as: Mallopt.self) else { return false }
        return f(-3 /* M_MMAP_THRESHOLD */, Int32(clamping: bytes)) == 1
        #else
        return false
        #endif
    }

    /// Hands the free pages of every arena back to the kernel (`malloc_trim(0)`). It walks the
    /// arenas under their locks: call it off the event loop, after a burst of frees.
    /// Returns whether any memory was released.
    @discardableResult
    public static func trim() -> Bool {
        #if canImport(Glibc)
        guard let f = symbol("malloc_trim", as: MallocTrim.self) else { return false }
        return f(0) == 1
        #else
        return false
        #endif
    }

    #if canImport(Glibc)
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    private typealias MallocTrim = @convention(c) (Int) -> Int32

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        guard let handle = dlopen(nil, RTLD_NOW), let p = dlsym(handle, name) else { return nil }
        return unsafeBitCast(p, to: type)
    }
    #endif
}
