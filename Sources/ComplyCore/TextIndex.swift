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
// most half full, a text's first slot given by its hash's top bits. A slot holds the high 32
// bits of the hash as a tag, so most mismatches never reach the bytes, and in the low 32 bits
// the offset + 1 (0 = empty) of the entry's record in `arena`: its value (8 bytes), its
// length (4 bytes), then its NFC bytes. A tag match is confirmed by comparing bytes; equal
// NFC bytes are exactly Swift's `==`. Confirming a hit reads one record where an array of
// starts and one of values cost two more dependent cache misses (TextIndex.probe was 6 % of
// a 1M-row profile, most of it `学籍号 in enrollment.学籍号`).
// `--rule FEE-UNKNOWN-STUDENT` over 10M rows (600k students), one worker, alternating runs:
// 6.48–7.02 → 6.21–6.44 user s; at 1M (60k students, in cache) no difference.
//
// A set of a large dataset's column is gathered by every worker into its own index from the
// cells' bytes, and the indexes are merged (`insert(contentsOf:)`). A slot's place is its
// tag's top bits, so growing moves slots without reading or hashing a text: gathering the
// 600k students of the 10M-row benchmark, growing (which re-read every text) went from 14 %
// to 3 % of the samples. A merge takes the other's texts in the order they were inserted,
// the slots of each run of 32 prefetched before any is inserted, so a set's records stay in
// reading order like the rows that look them up. On one thread after two workers have read
// the students (perf timelines of single runs): 0.30 s inserting the Strings the workers
// made; 0.06 s merging now. Merging in slot order, hashing
// nothing, took as long, but the records of neighbouring students scattered:
// `--rule FEE-UNKNOWN-STUDENT --jobs 1` at 10M, 9 alternating pairs, median 4.75 → 4.54
// user s with them in reading order.

internal import CPrefetch

public struct TextIndex: Sendable {
  private var arena: [UInt8] = []
  private var slots = [UInt64](repeating: 0, count: 8)
  /// 64 − log2(slots.count): a hash's slot is its top bits, `hash >> shift`.
  private var shift = 61
  public private(set) var count = 0

  private static let valueSize = 8
  private static let headerSize = 12

  public init() {}

  /// Maps `text` to `value` unless an equal text is already present; returns that one's value.
  @discardableResult
  public mutating func insert(_ text: String, value: Int) -> Int? {
    UnicodeNFC.withNFCBytes(text) { insert(nfc: $0, hash: ByteHash.of(UnsafeRawBufferPointer($0)), value: value) }
  }

  /// `insert(_:value:)` of the text whose UTF-8 is `bytes` (valid, in any normal form): a
  /// cell's text added without making it a String.
  @discardableResult
  public mutating func insert(utf8 bytes: UnsafeBufferPointer<UInt8>, value: Int) -> Int? {
    guard UnicodeNFC.isStable(bytes) else { return insert(String(decoding: bytes, as: UTF8.self), value: value) }
    return insert(nfc: bytes, hash: ByteHash.of(UnsafeRawBufferPointer(bytes)), value: value)
  }

  /// Inserts every text of `other` with its value; a text both hold keeps the value it has
  /// here. `other`'s texts are NFC already: they are hashed again but not normalised, in the
  /// order they were inserted (see the header), the slots of each run of 32 prefetched before
  /// any of them is inserted.
  public mutating func insert(contentsOf other: TextIndex) {
    reserveCapacity(count + other.count)
    arena.reserveCapacity(arena.count + other.arena.count)
    var run: [(offset: Int, hash: UInt64)] = []
    run.reserveCapacity(32)
    other.arena.withUnsafeBytes { records in
      var next = 0
      while next < records.count {
        run.removeAll(keepingCapacity: true)
        slots.withUnsafeBufferPointer { slots in
          while run.count < 32, next < records.count {
            let h = ByteHash.of(Self.text(records, at: next))
            comply_prefetch(slots.baseAddress! + Int(truncatingIfNeeded: h >> shift))
            run.append((next, h))
            next += Self.headerSize + Self.length(records, at: next)
          }
        }
        for (offset, h) in run {
          let text = Self.text(records, at: offset).assumingMemoryBound(to: UInt8.self)
          insert(nfc: text, hash: h, value: Self.value(records, at: offset))
        }
      }
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
    slots.withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + Int(truncatingIfNeeded: h >> shift)) }
    return h
  }

  /// Starts loading the entry that the slot of `hash` (from `prefetchSlot`, its slot loaded
  /// by now) names when the tags agree: what confirming a likely hit reads.
  public func prefetchEntry(hash h: UInt64) {
    let slot = slots.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: h >> shift)] }
    guard slot != 0, slot >> 32 == h >> 32 else { return }
    arena.withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1) }
  }

  // MARK: - Private

  /// Inserts NFC `bytes` unless present (then returns the present one's value). Only the top
  /// 32 bits of `h` are read: the tag, and the slot's top bits.
  @discardableResult
  private mutating func insert(nfc bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64, value: Int) -> Int? {
    let (slot, found) = probe(bytes, hash: h)
    if let found { return self.value(at: found) }
    let offset = arena.count
    precondition(offset + Self.headerSize + bytes.count < Int(UInt32.max), "more than 4 GiB of texts in one index")
    withUnsafeBytes(of: Int64(value).littleEndian) { arena.append(contentsOf: $0) }
    withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { arena.append(contentsOf: $0) }
    arena.append(contentsOf: bytes)
    slots[slot] = (h >> 32) << 32 | UInt64(offset + 1)
    count += 1
    if count * 2 > slots.count { reserveCapacity(count) }
    return nil
  }

  private func value(at offset: Int) -> Int {
    arena.withUnsafeBytes { Self.value($0, at: offset) }
  }

  private static func value(_ records: UnsafeRawBufferPointer, at offset: Int) -> Int {
    Int(Int64(littleEndian: records.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
  }

  private static func length(_ records: UnsafeRawBufferPointer, at offset: Int) -> Int {
    Int(UInt32(littleEndian: records.loadUnaligned(fromByteOffset: offset + valueSize, as: UInt32.self)))
  }

  private static func text(_ records: UnsafeRawBufferPointer, at offset: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: records[offset + headerSize..<offset + headerSize + length(records, at: offset)])
  }

  /// The offset of the record holding `bytes`, or the empty slot where they belong.
  private func probe(
    _ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64
  ) -> (slot: Int, found: Int?) {
    let tag = h >> 32
    let mask = slots.count - 1
    return arena.withUnsafeBytes { stored in
      slots.withUnsafeBufferPointer { slots in
        var i = Int(truncatingIfNeeded: h >> shift)
        while slots[i] != 0 {
          let slot = slots[i]
          if slot >> 32 == tag {
            let offset = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
            let length = Self.length(stored, at: offset)
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

  /// Makes the slot array large enough that `texts` texts keep it at most half full: the next
  /// power of two at least twice `texts`, or as it is when that is no larger. A slot's tag is
  /// the top 32 bits of its hash, so it names its new slot itself: no text is read or hashed.
  private mutating func reserveCapacity(_ texts: Int) {
    var size = slots.count
    while texts * 2 > size { size *= 2 }
    guard size > slots.count else { return }
    precondition(size <= 1 << 32, "more slots than a tag can place")
    var bigger = [UInt64].zeroedSlots(size)
    let newShift = 64 - size.trailingZeroBitCount
    let mask = size - 1
    for slot in slots where slot != 0 {
      var i = Int(truncatingIfNeeded: slot >> newShift)
      while bigger[i] != 0 { i = (i + 1) & mask }
      bigger[i] = slot
    }
    slots = bigger
    shift = newShift
  }
}
