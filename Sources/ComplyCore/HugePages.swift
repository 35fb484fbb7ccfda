// HugePages: zeroed slot arrays for the hash tables (group keys, text sets) that ask Linux for
// transparent huge pages before their memory is first touched. A probe lands on a random slot
// of a table far larger than the caches; with 4 KiB pages almost every probe also misses the
// TLB, and in a virtual machine a page walk is itself several memory reads. This host's
// kernel gives huge pages only to memory that asks (`transparent_hugepage/enabled` is
// `madvise`). Measured on the 10M-row benchmark, alternating runs: `--rule
// FEE-DUPLICATE-CHARGE --jobs 1` 8.16–8.63 → 7.44–7.63 user s; the whole pack 17.17/17.56 →
// 16.79/16.31 s wall (the group tables' slots alone). Elsewhere `madvise` is a harmless hint.

internal import Foundation

extension Array where Element == UInt64 {
  /// `count` zeros; when they span whole 2 MiB pages, those are advised huge before the zeros
  /// are written.
  public static func zeroedSlots(_ count: Int) -> [UInt64] {
    [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
      let huge = 2 << 20
      let base = Int(bitPattern: buffer.baseAddress)
      let start = (base + huge - 1) & ~(huge - 1)
      let end = (base + count * MemoryLayout<UInt64>.stride) & ~(huge - 1)
      if end > start {
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE)
      }
      buffer.initialize(repeating: 0)
      initialized = count
    }
  }
}
