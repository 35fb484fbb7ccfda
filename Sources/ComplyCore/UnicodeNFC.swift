// UnicodeNFC: canonical equivalence of text decided from its UTF-8 bytes where that is safe.
//
// Why hand-written: Swift's String flags only ASCII text as NFC, so hashing or comparing any
// Chinese string normalises it on the fly (`_normalizedHash`, `_swift_stdlib_getNormData`,
// `_stringCompareFastUTF8Abnormal`). In `perf record` of a one-rule benchmark check over 1M fee
// rows (FEE-UNAPPROVED-ITEM, a join on 收费项目), that work was ~13 % of the run. Best of 3
// user seconds, main → with this file and TextIndex, runs interleaved: FEE-BANNED-ITEM
// 1.02 → 0.91, FEE-UNAPPROVED-ITEM 1.17 → 1.06; the cheapest rule 0.76 both.
//
// Text made only of scalars that are NFC and compose with nothing is its own NFC form, so its
// bytes can be hashed and compared directly; other text is normalised first.

internal import Foundation

/// Canonical-equivalence helpers over UTF-8.
public enum UnicodeNFC {
  /// Whether UTF-8 text is certainly NFC and can compose with nothing: every scalar is ASCII,
  /// U+0080–U+02FF, U+3000–U+9FFF except the combining marks U+302A–U+302F and U+3099–U+309A,
  /// or U+FF00–U+FFEF. None of these decomposes or combines (UnicodeNFCTests checks every one
  /// against Foundation's NFC), and they cover Chinese school data; other text answers false.
  public static func isStable(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if b < 0x80 {
        i += 1
        // ASCII runs (student numbers, dates) eight bytes at a time.
        while bytes.count - i >= 8,
          UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
        {
          i += 8
        }
      } else if b >= 0xE4 && b <= 0xE9, i + 2 < bytes.count {
        // U+4000–U+9FFF, most Chinese text: nothing to look at beyond the lead byte.
        i += 3
      } else if b >= 0xC2 && b <= 0xCB {
        i += 2
      } else if b == 0xE3 || b == 0xEF, i + 2 < bytes.count {
        let scalar = UInt32(b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
        switch scalar {
        case 0x302A...0x302F, 0x3099...0x309A: return false
        case 0x3000...0x9FFF, 0xFF00...0xFFEF: i += 3
        default: return false
        }
      } else {
        return false
      }
    }
    return true
  }

  /// Whether two byte strings are equal (`ByteHash.equal`; `elementsEqual` compares byte by
  /// byte).
  @inline(__always)
  public static func bytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    guard let x = a.baseAddress, let y = b.baseAddress else { return true }
    return ByteHash.equal(x, y, count: a.count)
  }

  /// Calls `body` with the UTF-8 bytes of the NFC form of `text`: equal strings (Swift's `==`,
  /// canonical equivalence) give equal bytes.
  public static func withNFCBytes<R>(
    _ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R
  ) -> R {
    let stable: R? = text.utf8.withContiguousStorageIfAvailable { bytes in
      isStable(bytes) ? body(bytes) : nil
    } ?? nil
    if let stable { return stable }
    return Array(text.precomposedStringWithCanonicalMapping.utf8).withUnsafeBufferPointer(body)
  }

  /// Swift's `==` on strings, answered from the bytes when they settle it: identical bytes are
  /// equal, and two different stable-NFC texts are not.
  /// Whether the text whose UTF-8 is `x` (valid, in any normal form) equals `y` as Swift's
  /// `==` says, without making `x` a String when both are certainly NFC.
  public static func equal(utf8 x: UnsafeBufferPointer<UInt8>, _ y: String) -> Bool {
    let settled: Bool? = y.utf8.withContiguousStorageIfAvailable { b -> Bool? in
      if bytesEqual(x, b) { return true }
      return isStable(x) && isStable(b) ? false : nil
    } ?? nil
    return settled ?? (String(decoding: x, as: UTF8.self) == y)
  }

  public static func equal(_ x: String, _ y: String) -> Bool {
    let settled: Bool? = x.utf8.withContiguousStorageIfAvailable { a in
      y.utf8.withContiguousStorageIfAvailable { b -> Bool? in
        if bytesEqual(a, b) { return true }
        return isStable(a) && isStable(b) ? false : nil
      } ?? nil
    } ?? nil
    return settled ?? (x == y)
  }
}
