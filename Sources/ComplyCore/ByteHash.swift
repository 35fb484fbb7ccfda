// ByteHash: the one 64-bit hash of byte strings that comply's hand-written tables use (the
// group keys of aggregates, the text keys of `in` sets and joins).

public enum ByteHash {
  /// wyhash-style: 8 bytes at a time folded through a 64×64→128-bit multiply.
  public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: bytes.count)
    var i = 0
    while bytes.count - i >= 8 {
      h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < bytes.count {
      tail |= UInt64(bytes[i]) << shift
      shift += 8
      i += 1
    }
    return mix(mix(h ^ tail))
  }

  private static func mix(_ x: UInt64) -> UInt64 {
    let p = (x ^ 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: 0xBF58_476D_1CE4_E5B9)
    return p.high ^ p.low
  }
}
