// TextIndex: text keys mapped to Ints, kept as NFC UTF-8 in one byte array and found by hash
// without touching a String object. It holds the text members of `x in …` sets and the keys of
// one-column joins.
//
// Why hand-written: a `Set<Value>` of the 学籍号 column spent its lookups retaining and
// releasing the String of every probed member (`swift_retain` 8 % and `Set.contains` 5 % of
// `perf record` of `require: 学籍号 in enrollment.学籍号` over the 1M-row benchmark), and a
// `[[Value]: Int]` join index hashed an array per row. Best of 3 user seconds, main → with
// this index and UnicodeNFC, runs interleaved: FEE-UNKNOWN-STUDENT 1.01 → 0.96,
// FEE-UNAPPROVED-ITEM (a join) 1.17 → 1.06; the cheapest rule 0.76 both.
//
// Design: open addressing with linear probing over a power-of-two array of UInt64 slots, at
// most half full: the high 32 bits of the hash as a tag, so most mismatches never reach the
// bytes, and in the low 32 bits the offset + 1 (0 = empty) of the entry's record in `arena`:
// its value (8 bytes), its length (4 bytes), then its NFC bytes. A tag match is confirmed by
// comparing bytes; equal NFC bytes are exactly Swift's `==`. Confirming a hit reads one
// record where an array of starts and one of values cost two more dependent cache misses
// (TextIndex.probe was 6 % of a 1M-row profile, most of it `学籍号 in enrollment.学籍号`).
// `--rule FEE-UNKNOWN-STUDENT` over 10M rows (600k students), one worker, alternating runs:
// 6.48–7.02 → 6.21–6.44 user s; at 1M (60k students, in cache) no difference.

internal import CPrefetch

public struct TextIndex: Sendable {
  private var arena: [UInt8] = []
  private var slots = [UInt64](repeating: 0, count: 8)
  public private(set) var count = 0

  private static let valueSize = 8
  private static let headerSize = 12

  public init() {}

  /// Maps `text` to `value` unless an equal text is already present; returns that one's value.
  @discardableResult
  public mutating func insert(_ text: String, value: Int) -> Int? {
    UnicodeNFC.withNFCBytes(text) { bytes in
      let h = ByteHash.of(UnsafeRawBufferPointer(bytes))
      let (slot, found) = probe(bytes, hash: h)
      if let found { return self.value(at: found) }
      let offset = arena.count
      precondition(offset + Self.headerSize + bytes.count < Int(UInt32.max), "more than 4 GiB of texts in one index")
      withUnsafeBytes(of: Int64(value).littleEndian) { arena.append(contentsOf: $0) }
      withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { arena.append(contentsOf: $0) }
      arena.append(contentsOf: bytes)
      slots[slot] = (h >> 32) << 32 | UInt64(offset + 1)
      count += 1
      if count * 2 > slots.count { grow() }
      return nil
    }
  }

  /// The value of the text equal to `text`, nil when there is none.
  public func find(_ text: String) -> Int? {
    UnicodeNFC.withNFCBytes(text) { bytes in
      probe(bytes, hash: ByteHash.of(UnsafeRawBufferPointer(bytes))).found.map(value(at:))
    }
  }

  /// The value of the text whose UTF-8 is `bytes` (valid UTF-8 in any normal form), nil when
  /// there is none: a cell's text found without making it a String.
  public func find(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard UnicodeNFC.isStable(bytes) else { return find(String(decoding: bytes, as: UTF8.self)) }
    return probe(bytes, hash: ByteHash.of(UnsafeRawBufferPointer(bytes))).found.map(value(at:))
  }

  /// Starts loading the slot where the text whose UTF-8 is `bytes` would be, and returns its
  /// hash for `prefetchEntry`; nil when the text takes the String path (not certainly NFC).
  public func prefetchSlot(utf8 bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
    guard UnicodeNFC.isStable(bytes) else { return nil }
    let h = ByteHash.of(UnsafeRawBufferPointer(bytes))
    slots.withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + (Int(truncatingIfNeeded: h) & ($0.count - 1))) }
    return h
  }

  /// Starts loading the entry that the slot of `hash` (from `prefetchSlot`, its slot loaded
  /// by now) names when the tags agree: what confirming a likely hit reads.
  public func prefetchEntry(hash h: UInt64) {
    let slot = slots.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: h) & ($0.count - 1)] }
    guard slot != 0, slot >> 32 == h >> 32 else { return }
    arena.withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1) }
  }

  // MARK: - Private

  private func value(at offset: Int) -> Int {
    Int(Int64(littleEndian: arena.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Int64.self) }))
  }

  /// The offset of the record holding `bytes`, or the empty slot where they belong.
  private func probe(
    _ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64
  ) -> (slot: Int, found: Int?) {
    let tag = h >> 32
    let mask = slots.count - 1
    return arena.withUnsafeBytes { stored in
      slots.withUnsafeBufferPointer { slots in
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 {
          let slot = slots[i]
          if slot >> 32 == tag {
            let offset = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
            let length = Int(UInt32(littleEndian: stored.loadUnaligned(fromByteOffset: offset + Self.valueSize, as: UInt32.self)))
            if length == bytes.count,
              bytes.isEmpty || ByteHash.equal(stored.baseAddress! + offset + Self.headerSize, bytes.baseAddress!, count: length)
            {
              return (i, offset)
            }
          }
          i = (i + 1) & mask
        }
        return (i, nil)
      }
    }
  }

  private mutating func grow() {
    var bigger = [UInt64].zeroedSlots(slots.count * 2)
    let mask = bigger.count - 1
    arena.withUnsafeBytes { stored in
      for slot in slots where slot != 0 {
        let offset = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
        let length = Int(UInt32(littleEndian: stored.loadUnaligned(fromByteOffset: offset + Self.valueSize, as: UInt32.self)))
        let h = ByteHash.of(UnsafeRawBufferPointer(rebasing: stored[offset + Self.headerSize..<offset + Self.headerSize + length]))
        var i = Int(truncatingIfNeeded: h) & mask
        while bigger[i] != 0 { i = (i + 1) & mask }
        bigger[i] = slot
      }
    }
    slots = bigger
  }
}
