// ByteHash: word-at-a-time equality and hashing must see every byte of every length; the hash
// tables' slot arrays (HugePages) start empty.

import ComplyCore
import Testing

struct ByteHashTests {
  /// Every length up to 40 (word loop, overlapping last word, 4-byte halves, single bytes),
  /// with a difference at every position: equality finds it, and the hash tells the two apart.
  @Test func everyByteOfEveryLengthCounts() {
    for count in 0...40 {
      let base = (0..<count).map { UInt8(truncatingIfNeeded: 31 &* $0 &+ 7) }
      for position in 0..<count {
        var other = base
        other[position] ^= 0x40
        let (equal, sameHash) = base.withUnsafeBytes { a in
          other.withUnsafeBytes { b in
            (ByteHash.equal(a.baseAddress!, b.baseAddress!, count: count), ByteHash.of(a) == ByteHash.of(b))
          }
        }
        #expect(!equal, "length \(count), byte \(position)")
        #expect(!sameHash, "length \(count), byte \(position)")
      }
      let copy = base
      let (equal, sameHash) = base.withUnsafeBytes { a in
        copy.withUnsafeBytes { b in
          (count == 0 || ByteHash.equal(a.baseAddress!, b.baseAddress!, count: count), ByteHash.of(a) == ByteHash.of(b))
        }
      }
      #expect(equal && sameHash, "length \(count)")
    }
  }

  /// Texts that differ only in length hash apart (the length is mixed in).
  @Test func lengthIsPartOfTheHash() {
    let zeros = [UInt8](repeating: 0, count: 16)
    let hashes = Set((0...16).map { n in zeros.withUnsafeBytes { ByteHash.of(UnsafeRawBufferPointer(rebasing: $0[..<n])) } })
    #expect(hashes.count == 17)
  }
}

struct HugePagesTests {
  /// Slot arrays are all zeros, whether or not they span the 2 MiB pages advised huge.
  @Test(arguments: [0, 1, 300_000, 1 << 20])
  func zeroedSlotsAreZero(count: Int) {
    let slots = [UInt64].zeroedSlots(count)
    #expect(slots.count == count)
    #expect(slots.allSatisfy { $0 == 0 })
  }
}
