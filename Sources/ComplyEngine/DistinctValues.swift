// DistinctValues: the values one `count_distinct` call has seen in each group of an aggregate
// rule, for GroupState: a small hash set per group, all sets in one slot array, over the
// values' encoded bytes.
//
// Why hand-written: a Set<Value> per group hashed every value with Hasher (text through its
// NFC bytes), retained the Strings it compared and allocated as each set grew:
// `Set<Value>.insert` was 4.7 % of `perf record` of the 1M-row benchmark (one worker), all of
// it FEE-CLASS-SIZE's `count_distinct(学籍号)` over `group_by: [学校, 年级, 班级]` (a few
// thousand groups, ~50 students each, each student in ~17 rows). One GroupTable of every
// (group number, value) pair was tried first and was slower (5.7 %): its probes land anywhere
// in one large table, while a group's own set is small and was touched by the group's recent
// rows.
//
// Design:
// - A value is encoded as a group key's part is (KeyEncoder's comparable bytes: numbers
//   normalised, text in NFC), so two values are the same exactly when `Value.==` says so. Each
//   group's distinct values are stored once, in the order first seen, in one byte arena.
// - A group's set is open addressing with linear probing over a power-of-two run of UInt64
//   slots in `slots`, at most 3/4 full: the value's number + 1 in the low 32 bits (0 = empty)
//   and the high 32 bits of its ByteHash, which are both the tag and where probing starts, so
//   growing a set and merging sets hash nothing again. A tag match is confirmed by comparing
//   bytes: a hash alone is never trusted.
// - A set that outgrows its run moves to one twice as long at the end of `slots`; the old run
//   is left unused (never more slots than the live runs have). A group without values has no
//   run.
// - Merging another worker's group inserts its values one by one: a value both workers saw
//   is found and counted once.

import ComplyCore

struct DistinctValues {
  /// Each group's run of slots: its start in `slots` << 8 | log2 of its length; 0 while the
  /// group has no value.
  private var runs: [Int] = []
  /// Distinct values per group.
  private var counts: [Int] = []
  private var slots: [UInt64] = []
  /// Value i's encoded bytes are `arena[starts[i]..<starts[i + 1]]`.
  private var arena: [UInt8] = []
  private var starts: [Int] = [0]
  private var encoder = KeyEncoder()

  private static let firstRunShift = 2

  /// Opens the next group, with no values.
  mutating func addGroup() {
    runs.append(0)
    counts.append(0)
  }

  /// Makes room for `total` groups.
  mutating func reserve(groups total: Int) {
    runs.reserveCapacity(total)
    counts.reserveCapacity(total)
  }

  /// Distinct values of `group`.
  func count(of group: Int) -> Int { counts[group] }

  /// Counts `value` (not null) in `group` unless the group has an equal value already.
  mutating func insert(_ value: Value, into group: Int) {
    // Encoded in a local encoder: inserting changes `self`, which must not be read meanwhile.
    var key = KeyEncoder()
    swap(&key, &encoder)
    key.reset()
    key.append(value, part: 0)
    key.withComparable { insert(encoded: $0, into: group) }
    swap(&key, &encoder)
  }

  /// Counts the value whose comparable bytes (KeyEncoder) are `key` in `group` unless the group
  /// has an equal value already.
  mutating func insert(encoded key: UnsafeBufferPointer<UInt8>, into group: Int) {
    insert(key, tag: ByteHash.of(UnsafeRawBufferPointer(key)) >> 32, into: group)
  }

  /// Counts in `group` the values of group `g` of `other` (the same call over other rows).
  mutating func merge(_ g: Int, of other: DistinctValues, into group: Int) {
    guard other.runs[g] != 0 else { return }
    let start = other.runs[g] >> 8
    other.arena.withUnsafeBufferPointer { stored in
      for slot in other.slots[start..<start + 1 << (other.runs[g] & 0xFF)] where slot != 0 {
        let v = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
        insert(UnsafeBufferPointer(rebasing: stored[other.starts[v]..<other.starts[v + 1]]), tag: slot >> 32, into: group)
      }
    }
  }

  // MARK: - Probing

  private mutating func insert(_ key: UnsafeBufferPointer<UInt8>, tag: UInt64, into group: Int) {
    if runs[group] == 0 { runs[group] = newRun(shift: Self.firstRunShift) }
    guard let slot = emptySlot(for: key, tag: tag, in: group) else { return }
    // A value's number + 1 must fit the slot's low 32 bits (0 marks an empty slot).
    precondition(starts.count < Int(UInt32.max), "more than 4294967294 distinct values in one call")
    arena.append(contentsOf: key)
    starts.append(arena.count)
    slots[slot] = tag << 32 | UInt64(starts.count - 1)
    counts[group] += 1
    if counts[group] * 4 > 3 << (runs[group] & 0xFF) { grow(group) }
  }

  /// The empty slot where `key` belongs in `group`'s run; nil when the run holds it.
  private func emptySlot(for wanted: UnsafeBufferPointer<UInt8>, tag: UInt64, in group: Int) -> Int? {
    let start = runs[group] >> 8
    let mask = 1 << (runs[group] & 0xFF) - 1
    return arena.withUnsafeBufferPointer { stored in
      slots.withUnsafeBufferPointer { slots in
        var i = Int(truncatingIfNeeded: tag) & mask
        while slots[start + i] != 0 {
          let slot = slots[start + i]
          if slot >> 32 == tag {
            let v = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
            if UnicodeNFC.bytesEqual(UnsafeBufferPointer(rebasing: stored[starts[v]..<starts[v + 1]]), wanted) {
              return nil
            }
          }
          i = (i + 1) & mask
        }
        return start + i
      }
    }
  }

  /// Moves `group`'s set to a run twice as long.
  private mutating func grow(_ group: Int) {
    let start = runs[group] >> 8
    let shift = runs[group] & 0xFF
    let bigger = newRun(shift: shift + 1)
    let newStart = bigger >> 8
    let mask = 1 << (shift + 1) - 1
    for k in start..<start + 1 << shift where slots[k] != 0 {
      var i = Int(truncatingIfNeeded: slots[k] >> 32) & mask
      while slots[newStart + i] != 0 { i = (i + 1) & mask }
      slots[newStart + i] = slots[k]
    }
    runs[group] = bigger
  }

  /// Appends an empty run of 2^shift slots; returns it coded as in `runs`.
  private mutating func newRun(shift: Int) -> Int {
    let start = slots.count
    slots.append(contentsOf: repeatElement(0, count: 1 << shift))
    return start << 8 | shift
  }
}
