// ByteHash: the one 64-bit hash of byte strings that comply's hand-written tables use (the
// group keys of aggregates, the text keys of `in` sets and joins), and the byte equality that
// confirms a hash match. Keys are short (a student number is 19 bytes), so both work a word at
// a time inline: the bytes' tail is read as one overlapping word rather than byte by byte, and
// equality compares words instead of calling memcmp through the PLT (memcmp was ~4 % of a
// 1M-row benchmark profile, most of it call overhead on 10-40 byte keys).

public enum ByteHash {
  /// wyhash-style: 8 bytes at a time folded through a 64×64→128-bit multiply.
  public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let n = bytes.count
    var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: n)
    var i = 0
    while n - i >= 8 {
      h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      i += 8
    }
    var tail: UInt64 = 0
    if i < n {
      if n >= 8 {
        // The last 8 bytes, overlapping words already mixed.
        tail = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      } else if n >= 4 {
        tail =
          UInt64(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) << 32
          | UInt64(bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
      } else {
        for k in 0..<n { tail |= UInt64(bytes[k]) << (8 * UInt64(k)) }
      }
    }
    return mix(mix(h ^ tail))
  }

  /// Whether the `count` bytes at `a` and `b` are equal.
  @inline(__always)
  public static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
    var i = 0
    while count - i >= 8 {
      if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
        return false
      }
      i += 8
    }
    if i == count { return true }
    if count >= 8 {
      return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    while i < count {
      if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
      i += 1
    }
    return true
  }

  private static func mix(_ x: UInt64) -> UInt64 {
    let p = (x ^ 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: 0xBF58_476D_1CE4_E5B9)
    return p.high ^ p.low
  }
}
