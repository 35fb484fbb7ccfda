// GroupTable: the distinct group keys of one aggregate rule, each stored once as bytes, numbered
// 0, 1, 2, … in the order first seen; GroupState keeps the accumulators in arrays indexed by
// that number.
//
// Why hand-written: a `[[Value]: GroupState]` dictionary allocated a `[Value]` array per row to
// look the key up, hashed `Value`s, and kept a key array (a String heap object per text part)
// and a class with four arrays per group. Measured with `/usr/bin/time -v` (release, one
// `group_by: [学籍号, 收费日期, 收费项目]` count() rule, every row a new key), peak RSS grew by
// 633 bytes per distinct key between 1M and 3M keys; on the 100k-row benchmark, folding rows
// into groups, judging them and freeing the dictionary took ~48 % of the run. Here a key
// costs its encoded bytes (36 for that key), an 8-byte location, its 8-byte hash and 8-byte
// slots at most 3/4 full, and a row whose group exists allocates nothing (the key is encoded
// into a reused buffer). Measured the same way: 73 bytes per key between 1M and 3M keys
// without a stored hash, 77 with its low 4 bytes (93 when two workers' tables are merged);
// over a 1000-key run's RSS, 77 per key at 3M, 79 at 10M and 97 at worst, at 1.6M just after
// the slots double while old and new slots coexist (figures without the hash). The 100k-row
// run takes half the time. The whole hash (4 bytes more) spares merging two workers' tables
// reading and hashing every key again: `--rule FEE-DUPLICATE-CHARGE` at 10M rows, two
// workers, looking the keys up went from 288 to 88 perf samples, and the table costs 85 → 89
// bytes per key with one worker, 89 → 94 with two (between the 1M- and 10M-row benchmarks).
//
// Design:
// - Encoding. Each part is a type tag and a payload, self-delimiting: null; false; true;
//   number (int and decimal alike, normalised so `1 == 1.0 == 1.00` as `Value.==` says: zigzag
//   varints of the scale and significand with trailing zeros removed); string (varint length
//   and UTF-8 in NFC, since Swift compares strings by canonical equivalence); date and time
//   (zigzag varint). These bytes decide equality and the hash.
// - Presentation trailer. The first row's own form of a part is what messages show, so a
//   record is `comparable bytes ‖ trailer`, the trailer listing only the parts that decode
//   differently from the comparable bytes: a decimal written with trailing zeros or with scale
//   0 (`200.00`, decimal `5`), text not in NFC. Most keys have no trailer.
// - Arena. Records go into pages of at most 1 MiB that never move, so growth copies nothing
//   and peak memory does not double while a large arena reallocates. A record is found by its
//   page and offset packed in one Int.
// - Table. Open addressing with linear probing over a power-of-two array of UInt64 slots:
//   the group number + 1 in the low 32 bits (0 = empty) and the high 32 bits of the 64-bit
//   hash as a tag, so most mismatches are rejected without touching the arena. A tag match is
//   confirmed by comparing bytes: a hash alone is never trusted. The low 32 bits of the hash
//   pick the first slot. Each group's hash is kept (8 bytes), so when the slots double at 3/4
//   load no key is read back from the arena and rehashed (that was 1.5 % of a benchmark run),
//   and another table's keys are looked up from their hashes, their bytes read on a tag match.

import CPrefetch
import ComplyCore
import ComplyExpr
import Foundation

struct GroupTable {
  /// Parts in every key: the rule's `group_by` columns.
  let arity: Int
  /// The 64-bit hash of a key's comparable bytes; injectable so tests can force collisions.
  private let hash: (UnsafeRawBufferPointer) -> UInt64
  private var pages: [[UInt8]] = []
  /// Each group's record: page index << 32 | offset in the page.
  private var locations: [Int] = []
  private var slots: [UInt64]
  /// Each group's hash: its low 32 bits pick the group's first slot and its high 32 are the
  /// slot's tag, so doubling the slots and looking another table's keys up read no key back.
  private var hashes: [UInt64] = []
  private var encoder = KeyEncoder()
  /// The keys `stage` encoded for a window's rows, and their hashes.
  private var staged = Array(repeating: KeyEncoder(), count: RowWindow.capacity)
  private var stagedHashes = [UInt64](repeating: 0, count: RowWindow.capacity)

  static let firstPageSize = 4096
  static let maxPageSize = 1 << 20

  init(arity: Int, hash: @escaping (UnsafeRawBufferPointer) -> UInt64 = ByteHash.of) {
    self.arity = arity
    self.hash = hash
    slots = Array(repeating: 0, count: 16)
  }

  /// Distinct keys so far.
  var count: Int { locations.count }

  /// The group number of the key `values[positions]`, added as a new group when unseen.
  mutating func group(of values: UnsafePointer<Value>, at positions: [Int]) -> (group: Int, isNew: Bool) {
    encoder.reset()
    for (part, position) in positions.enumerated() { encoder.append(values[position], part: part) }
    return groupOfEncodedKey()
  }

  /// Encodes the key `row` has in the columns `positions` as staged key `i` (of a window's
  /// rows), hashes it and starts loading its slot, which a large table rarely has in cache.
  /// Text cells still held as bytes are encoded from them. `resolve(i)` finds the group once
  /// the window's other keys are staged, so the loads of all their slots overlap.
  mutating func stage(_ i: Int, _ row: RowValues, at positions: [Int]) {
    staged[i].reset()
    for (part, position) in positions.enumerated() {
      if let text = row.text(at: position) {
        staged[i].appendText(text, part: part)
      } else {
        staged[i].append(row.value(at: position), part: part)
      }
    }
    let h = staged[i].withComparable { hash(UnsafeRawBufferPointer($0)) }
    stagedHashes[i] = h
    slots.withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + (Int(UInt32(truncatingIfNeeded: h)) & ($0.count - 1))) }
  }

  /// The group whose tag the first slot of staged key `i` holds, its location prefetched: the
  /// likely group of the key when the table has it, nil when the slot says no such group. Only
  /// a guess for prefetching; `resolve` decides.
  func candidate(_ i: Int) -> Int? {
    let h = stagedHashes[i]
    return slots.withUnsafeBufferPointer { slots in
      let slot = slots[Int(UInt32(truncatingIfNeeded: h)) & (slots.count - 1)]
      guard slot != 0, slot >> 32 == h >> 32 else { return nil }
      let group = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
      locations.withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + group) }
      return group
    }
  }

  /// Starts loading the record of `group`, whose location `candidate` prefetched.
  func prefetchRecord(of group: Int) {
    let (page, offset) = Self.split(locations[group])
    // Through the outer buffer: `pages[page]` copied the page's array out, retaining it.
    pages.withUnsafeBufferPointer { pages in
      pages[page].withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + offset) }
    }
  }

  /// The group number of staged key `i`, added as a new group when unseen.
  mutating func resolve(_ i: Int) -> (group: Int, isNew: Bool) {
    swap(&encoder, &staged[i])
    return groupOfEncodedKey(hash: stagedHashes[i])
  }

  /// The group of the key in `encoder`, whose hash is `h` (computed when nil).
  private mutating func groupOfEncodedKey(hash h: UInt64? = nil) -> (group: Int, isNew: Bool) {
    let (h, slot, found) = encoder.withComparable { key in
      let h = h ?? hash(UnsafeRawBufferPointer(key))
      let (slot, found) = probe(h, key)
      return (h, slot, found)
    }
    if let found { return (found, false) }
    return (insert(at: slot, hash: h), true)
  }

  /// The group number of the key whose comparable bytes are `key` (KeyEncoder's, or
  /// `appendComparableBytes`'), added as a new group when unseen.
  mutating func group(ofComparable key: UnsafeBufferPointer<UInt8>) -> (group: Int, isNew: Bool) {
    encoder.load(comparable: key, trailer: UnsafeBufferPointer(start: nil, count: 0))
    return groupOfEncodedKey()
  }

  /// The group number of the key whose comparable bytes are `key`; nil when no row had it.
  func group(findingComparable key: UnsafeBufferPointer<UInt8>) -> Int? {
    probe(hash(UnsafeRawBufferPointer(key)), key).group
  }

  /// The group number of group `g` of `other` (a table of the same rule over other rows),
  /// added as a new group when unseen. The record's bytes are copied as they are: merging
  /// workers' tables decodes no key. `other` must hash keys as this table does (tables of one
  /// rule do): its stored hashes are probed here.
  mutating func group(ofGroup g: Int, in other: GroupTable) -> (group: Int, isNew: Bool) {
    let h = other.hashes[g]
    let (slot, found) = probe(h, ofGroup: g, in: other)
    if let found { return (found, false) }
    other.load(g, into: &encoder)
    return (insert(at: slot, hash: h), true)
  }

  /// Calls `found` with each group `g` of `range` of `other` and its group number here (nil
  /// when this table lacks the key), in order. Writes nothing, so several threads may look up
  /// at once. Each key's slot is found from `other`'s stored hash and prefetched eight keys
  /// before it is probed, so that the memory latency of probing a table far larger than the
  /// caches overlaps (merging two workers' tables looks millions of keys up); `other`'s key
  /// bytes are read only when a slot's tag matches. `other` must hash keys as this table does.
  func lookUp(groups range: Range<Int>, in other: GroupTable, _ found: (Int, Int?) -> Void) {
    let ahead = 8
    other.hashes.withUnsafeBufferPointer { theirs in
      slots.withUnsafeBufferPointer { slots in
        let mask = slots.count - 1
        for g in range.lowerBound..<range.upperBound + ahead {
          if g < range.upperBound {
            comply_prefetch(slots.baseAddress! + (Int(UInt32(truncatingIfNeeded: theirs[g])) & mask))
          }
          let p = g - ahead
          if p >= range.lowerBound { found(p, probe(theirs[p], ofGroup: p, in: other).group) }
        }
      }
    }
  }

  /// Copies group `g`'s record, as it is, into `encoder`.
  private func load(_ g: Int, into encoder: inout KeyEncoder) {
    let (page, offset) = Self.split(locations[g])
    let end = recordEnd(g, page: page)
    pages[page].withUnsafeBufferPointer { bytes in
      var reader = KeyReader(bytes: UnsafeBufferPointer(rebasing: bytes[..<end]), position: offset)
      for _ in 0..<arity { reader.skipValue() }
      encoder.load(
        comparable: UnsafeBufferPointer(rebasing: bytes[offset..<reader.position]),
        trailer: UnsafeBufferPointer(rebasing: bytes[reader.position..<end]))
    }
  }

  /// The arena page that holds `group`'s record.
  func page(of group: Int) -> Int { Self.split(locations[group]).page }

  /// Frees what a table being merged away no longer needs: its slots (it is walked in group
  /// order, not probed) and the arena pages before `page`.
  mutating func release(pagesBefore page: Int) {
    slots = []
    for p in 0..<page where !pages[p].isEmpty { pages[p] = [] }
  }

  /// Replaces `key`'s contents with the key of `group`, reusing its storage.
  func decode(_ group: Int, into key: inout [Value]) {
    let (page, offset) = Self.split(locations[group])
    let end = recordEnd(group, page: page)
    key.removeAll(keepingCapacity: true)
    pages[page].withUnsafeBufferPointer { bytes in
      var reader = KeyReader(bytes: UnsafeBufferPointer(rebasing: bytes[..<end]), position: offset)
      for _ in 0..<arity { key.append(reader.value()) }
      reader.applyTrailer(to: &key)
    }
  }

  /// Appends the comparable bytes of the parts `parts` of `group`'s key to `out`, in that
  /// order: the bytes KeyEncoder gives those values, equal exactly when the values are (the
  /// `per` tuples of expected groups are told apart by them without decoding every key).
  func appendComparableBytes(of group: Int, parts: [Int], to out: inout [UInt8]) {
    let (page, offset) = Self.split(locations[group])
    let end = recordEnd(group, page: page)
    pages[page].withUnsafeBufferPointer { bytes in
      withUnsafeTemporaryAllocation(of: Int.self, capacity: arity + 1) { starts in
        var reader = KeyReader(bytes: UnsafeBufferPointer(rebasing: bytes[..<end]), position: offset)
        for p in 0..<arity {
          starts[p] = reader.position
          reader.skipValue()
        }
        starts[arity] = reader.position
        for p in parts { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[starts[p]..<starts[p + 1]])) }
      }
    }
  }

  // MARK: - Hashing and probing

  /// The group whose key has comparable bytes `key` and hash `h`, or the empty slot where it
  /// belongs.
  private func probe(_ h: UInt64, _ key: UnsafeBufferPointer<UInt8>) -> (slot: Int, group: Int?) {
    probe(h) { storedKey($0, equals: UnsafeRawBufferPointer(key)) }
  }

  /// The group with the key of group `g` of `other`, whose hash is `h`, or the empty slot
  /// where it belongs.
  private func probe(_ h: UInt64, ofGroup g: Int, in other: GroupTable) -> (slot: Int, group: Int?) {
    probe(h) { group in other.withComparable(g) { storedKey(group, equals: $0) } }
  }

  /// The group whose slot tag is `h`'s and for which `isKey` holds, or the empty slot where
  /// the key belongs: `isKey` is asked only when the tags agree.
  private func probe(_ h: UInt64, isKey: (Int) -> Bool) -> (slot: Int, group: Int?) {
    let tag = h >> 32
    let mask = slots.count - 1
    var i = Int(UInt32(truncatingIfNeeded: h)) & mask
    while slots[i] != 0 {
      let slot = slots[i]
      if slot >> 32 == tag {
        let group = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
        if isKey(group) { return (i, group) }
      }
      i = (i + 1) & mask
    }
    return (i, nil)
  }

  /// `body` of group `g`'s comparable bytes, read where they are stored.
  private func withComparable<R>(_ g: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let (page, offset) = Self.split(locations[g])
    let end = recordEnd(g, page: page)
    return pages[page].withUnsafeBufferPointer { bytes in
      var reader = KeyReader(bytes: UnsafeBufferPointer(rebasing: bytes[..<end]), position: offset)
      for _ in 0..<arity { reader.skipValue() }
      return body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[offset..<reader.position]))
    }
  }

  /// Stores the encoder's key as a new group in the empty `slot`; returns its number.
  private mutating func insert(at slot: Int, hash h: UInt64) -> Int {
    // The group number must fit the slot's low 32 bits (0 marks an empty slot).
    precondition(count < Int(UInt32.max), "more than 4294967294 groups in one rule")
    let group = count
    store()
    hashes.append(h)
    slots[slot] = (h >> 32) << 32 | UInt64(group + 1)
    if count * 4 > slots.count * 3 { grow() }
    return group
  }

  /// Whether `group`'s record starts with the comparable bytes `key`. Enough for equality
  /// without knowing where the stored comparable bytes end: the encoding of `arity` parts is
  /// self-delimiting, so a record whose first bytes are a complete encoding of `arity` parts
  /// has exactly those as its comparable bytes (bytes read past the record belong to the page).
  private func storedKey(_ group: Int, equals wanted: UnsafeRawBufferPointer) -> Bool {
    let (page, offset) = Self.split(locations[group])
    return pages[page].withUnsafeBytes { stored in
      guard stored.count - offset >= wanted.count else { return false }
      guard let a = stored.baseAddress, let b = wanted.baseAddress else { return wanted.isEmpty }
      return ByteHash.equal(a + offset, b, count: wanted.count)
    }
  }

  /// Appends the encoder's record to the last page, starting a new page when it does not fit.
  private mutating func store() {
    let size = encoder.comparableCount + encoder.trailer.count
    if pages.isEmpty || pages[pages.count - 1].count + size > pages[pages.count - 1].capacity {
      // Pages double up to 1 MiB so that the many small tables of examples stay small.
      let previous = pages.last?.capacity ?? Self.firstPageSize / 2
      var page: [UInt8] = []
      page.reserveCapacity(max(size, min(Self.maxPageSize, previous * 2)))
      pages.append(page)
    }
    let p = pages.count - 1
    locations.append(p << 32 | pages[p].count)
    encoder.withComparable { pages[p].append(contentsOf: $0) }
    pages[p].append(contentsOf: encoder.trailer)
  }

  /// Makes room for `count` groups in all, so that adding them doubles nothing.
  mutating func reserve(_ count: Int) {
    var size = slots.count
    while count * 4 > size * 3 { size *= 2 }
    if size > slots.count { grow(to: size) }
    locations.reserveCapacity(count)
    hashes.reserveCapacity(count)
  }

  /// Moves the keys to slots `size` long (twice as many by default). The groups are placed
  /// in order, each slot made again from the group's hash, so only the new slots are anywhere:
  /// they are prefetched for a run of 16 groups before any of the run is placed (placing one
  /// key at a time waited for each load in turn; `grow` was 4 % of a 10M-row duplicate-charge
  /// run's samples).
  private mutating func grow(to size: Int? = nil) {
    var bigger = [UInt64].zeroedSlots(size ?? slots.count * 2)
    let mask = bigger.count - 1
    let run = 16
    hashes.withUnsafeBufferPointer { hashes in
      bigger.withUnsafeMutableBufferPointer { bigger in
        for start in stride(from: 0, to: hashes.count, by: run) {
          let end = min(hashes.count, start + run)
          for g in start..<end {
            comply_prefetch(bigger.baseAddress! + (Int(UInt32(truncatingIfNeeded: hashes[g])) & mask))
          }
          for g in start..<end {
            let h = hashes[g]
            var i = Int(UInt32(truncatingIfNeeded: h)) & mask
            while bigger[i] != 0 { i = (i + 1) & mask }
            bigger[i] = (h >> 32) << 32 | UInt64(g + 1)
          }
        }
      }
    }
    slots = bigger
  }

  /// Where `group`'s record ends: at the next record on its page, or at the page's end.
  private func recordEnd(_ group: Int, page: Int) -> Int {
    if group + 1 < count {
      let (nextPage, nextOffset) = Self.split(locations[group + 1])
      if nextPage == page { return nextOffset }
    }
    return pages[page].count
  }

  private static func split(_ location: Int) -> (page: Int, offset: Int) {
    (location >> 32, location & 0xFFFF_FFFF)
  }
}

/// Type tags of the key encoding.
enum KeyTag {
  static let null: UInt8 = 0
  static let `false`: UInt8 = 1
  static let `true`: UInt8 = 2
  static let number: UInt8 = 3
  static let string: UInt8 = 4
  static let date: UInt8 = 5
  static let time: UInt8 = 6
}

/// Encodes one key into reused buffers: the comparable bytes and the presentation trailer.
/// The comparable bytes are the first `comparableCount` bytes of a buffer that only grows:
/// encoding the next key overwrites them. Emptying an Array for every key
/// (`removeAll(keepingCapacity:)`, a generic `replaceSubrange`) and appending to it byte by
/// byte cost the three fee aggregates at 1M rows, nine pairs, a median 1098 against 1070
/// task-clock ms this way.
struct KeyEncoder {
  private var buffer: [UInt8] = []
  /// The length of the comparable bytes.
  private(set) var comparableCount = 0
  private(set) var trailer: [UInt8] = []

  /// `body` of the comparable bytes.
  func withComparable<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[..<comparableCount])) }
  }

  mutating func reset() {
    comparableCount = 0
    if !trailer.isEmpty { trailer.removeAll(keepingCapacity: true) }
  }

  /// Takes an encoded record's two parts as they are.
  mutating func load(comparable bytes: UnsafeBufferPointer<UInt8>, trailer tail: UnsafeBufferPointer<UInt8>) {
    reset()
    appendBytes(bytes)
    trailer.append(contentsOf: tail)
  }

  mutating func append(_ value: Value, part: Int) {
    switch value {
    case .null: appendByte(KeyTag.null)
    case .bool(let b): appendByte(b ? KeyTag.true : KeyTag.false)
    case .int(let i): appendNumber(ExactDecimal(i))
    case .decimal(let d):
      let n = appendNumber(d)
      // Decoded without a trailer entry, the number comes back as `.int` when it is whole and
      // fits, else as the normalised decimal; anything else is recorded.
      if d.scale != n.scale || (n.scale == 0 && Int64(exactly: n.significand) != nil) {
        Self.appendVarint(UInt64(part), to: &trailer)
        Self.appendVarint(Self.zigzag(Int64(d.scale)), to: &trailer)
      }
    case .string(let s): appendString(s, part: part)
    case .date(let d):
      appendByte(KeyTag.date)
      appendVarint(Self.zigzag(Int64(d.ordinal)))
    case .time(let t):
      appendByte(KeyTag.time)
      appendVarint(Self.zigzag(Int64(t.seconds)))
    }
  }

  /// Appends the normalised number and returns it.
  @discardableResult
  private mutating func appendNumber(_ d: ExactDecimal) -> ExactDecimal {
    let n = d.scale == 0 ? d : d.normalized
    appendByte(KeyTag.number)
    appendVarint(Self.zigzag(Int64(n.scale)))
    let s = n.significand
    appendVarint(UInt128(bitPattern: (s << 1) ^ (s >> 127)))
    return n
  }

  /// Appends the text whose UTF-8 is `bytes` (a cell not made a String), as `append` would
  /// append it as a String.
  mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>, part: Int) {
    guard UnicodeNFC.isStable(bytes) else {
      appendString(String(decoding: bytes, as: UTF8.self), part: part)
      return
    }
    appendNFC(bytes)
  }

  /// Appends text whose UTF-8 is its own NFC form.
  private mutating func appendNFC(_ bytes: UnsafeBufferPointer<UInt8>) {
    appendByte(KeyTag.string)
    appendVarint(UInt64(bytes.count))
    appendBytes(bytes)
  }

  /// Makes room for `n` more comparable bytes.
  private mutating func reserve(_ n: Int) {
    if comparableCount + n > buffer.count {
      buffer += repeatElement(0, count: max(buffer.count, comparableCount + n - buffer.count, 32))
    }
  }

  private mutating func appendByte(_ byte: UInt8) {
    reserve(1)
    let at = comparableCount
    buffer.withUnsafeMutableBufferPointer { $0[at] = byte }
    comparableCount += 1
  }

  private mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress else { return }
    reserve(bytes.count)
    let at = comparableCount
    buffer.withUnsafeMutableBufferPointer { ($0.baseAddress! + at).update(from: source, count: bytes.count) }
    comparableCount += bytes.count
  }

  /// Appends `value` as a varint (`KeyEncoder.varint`).
  private mutating func appendVarint<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
    reserve(Self.maxVarintBytes)
    let at = comparableCount
    comparableCount += buffer.withUnsafeMutableBufferPointer { Self.varint(value, into: $0.baseAddress! + at) }
  }

  /// Written out rather than through `UnicodeNFC.withNFCBytes`: that generic closure, called
  /// across modules for every text part of every key, made a 1M-row run ~20 % slower.
  private mutating func appendString(_ s: String, part: Int) {
    let fast: Bool? = s.utf8.withContiguousStorageIfAvailable { bytes in
      guard UnicodeNFC.isStable(bytes) else { return false }
      appendNFC(bytes)
      return true
    }
    guard fast != true else { return }
    // Rare: text outside the ranges known to be NFC (accents, Hangul, compatibility
    // ideographs…). Equal strings must give equal bytes, so the NFC form is compared and the
    // original kept in the trailer when it differs.
    let nfc = Array(s.precomposedStringWithCanonicalMapping.utf8)
    nfc.withUnsafeBufferPointer { appendNFC($0) }
    if !s.utf8.elementsEqual(nfc) {
      Self.appendVarint(UInt64(part), to: &trailer)
      Self.appendVarint(UInt64(s.utf8.count), to: &trailer)
      trailer.append(contentsOf: s.utf8)
    }
  }

  static func zigzag(_ x: Int64) -> UInt64 { UInt64(bitPattern: (x << 1) ^ (x >> 63)) }

  /// Appends `value` to `bytes` as a varint (`varint`).
  static func appendVarint<T: FixedWidthInteger & UnsignedInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxVarintBytes) { scratch in
      let n = varint(value, into: scratch.baseAddress!)
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<n]))
    }
  }

  /// Bytes a varint of up to 128 bits takes at most.
  static let maxVarintBytes = 19

  /// Writes `value` at `out` as a varint (7 bits a byte, low first, the top bit marking a byte
  /// that is not the last); returns the bytes written.
  static func varint<T: FixedWidthInteger & UnsignedInteger>(_ value: T, into out: UnsafeMutablePointer<UInt8>) -> Int {
    var v = value
    var n = 0
    while v >= 0x80 {
      out[n] = UInt8(truncatingIfNeeded: v) | 0x80
      v >>= 7
      n += 1
    }
    out[n] = UInt8(truncatingIfNeeded: v)
    return n + 1
  }
}

/// Reads a record written by KeyEncoder.
struct KeyReader {
  let bytes: UnsafeBufferPointer<UInt8>
  var position: Int

  private mutating func byte() -> UInt8 {
    defer { position += 1 }
    return bytes[position]
  }

  private mutating func varint<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T {
    var value: T = 0
    var shift = 0
    while true {
      let b = byte()
      value |= T(b & 0x7F) << shift
      if b < 0x80 { return value }
      shift += 7
    }
  }

  private mutating func signed() -> Int {
    let u = varint(UInt64.self)
    return Int(Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1))
  }

  private mutating func text() -> String {
    let length = Int(varint(UInt64.self))
    defer { position += length }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<position + length]), as: UTF8.self)
  }

  /// The next part as the comparable bytes give it.
  mutating func value() -> Value {
    switch byte() {
    case KeyTag.false: return .bool(false)
    case KeyTag.true: return .bool(true)
    case KeyTag.number:
      let scale = signed()
      let u = varint(UInt128.self)
      let significand = Int128(bitPattern: u >> 1) ^ -Int128(bitPattern: u & 1)
      if scale == 0, let i = Int64(exactly: significand) { return .int(i) }
      return .decimal(ExactDecimal(significand: significand, scale: scale))
    case KeyTag.string: return .string(text())
    case KeyTag.date: return .date(Day(ordinal: signed()))
    case KeyTag.time: return .time(TimeOfDay(seconds: signed()))
    default: return .null
    }
  }

  mutating func skipValue() {
    switch byte() {
    case KeyTag.number:
      _ = varint(UInt64.self)
      _ = varint(UInt128.self)
    case KeyTag.string: position += Int(varint(UInt64.self))
    case KeyTag.date, KeyTag.time: _ = varint(UInt64.self)
    default: break
    }
  }

  /// Reads the trailer (the rest of the record) and restores each listed part's first form.
  mutating func applyTrailer(to key: inout [Value]) {
    while position < bytes.count {
      let part = Int(varint(UInt64.self))
      switch key[part] {
      case .string: key[part] = .string(text())
      case .int(let i): key[part] = Self.decimal(ExactDecimal(i), scale: signed())
      case .decimal(let d): key[part] = Self.decimal(d, scale: signed())
      default: return
      }
    }
  }

  /// `.decimal(n)` rewritten at the scale its first row had (never less than n's own).
  private static func decimal(_ n: ExactDecimal, scale: Int) -> Value {
    guard let s = n.scaledSignificand(atScale: scale) else { return .decimal(n) }
    return .decimal(ExactDecimal(significand: s, scale: scale))
  }
}
