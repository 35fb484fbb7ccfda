// PIIMask: how personal data (columns marked `pii: true`) is shown in reports by default.
//
// The rule counts characters (grapheme clusters). Text in which every scalar is a character of
// its own, ASCII but CR (CR LF is one character) and CJK ideographs (no grapheme rule joins
// them to a neighbour), is what names and ID numbers are made of; it is masked on its UTF-8
// bytes, and other text through `Character`s. Why: splitting into Characters and asking each
// whether it is a number or a letter was 1.4 % of `perf record` of the 1M-row benchmark (one
// worker), a third of building its row violations. A test checks that both ways agree.

public enum PIIMask {
  /// Masks a personal value: a name keeps its first character (张**); an identifier of eight or
  /// more characters keeps its first six and last four (110101********1234); anything shorter
  /// keeps its first character.
  public static func mask(_ text: String) -> String {
    let scalarwise: String?? = text.utf8.withContiguousStorageIfAvailable(maskScalarwise)
    return (scalarwise ?? nil) ?? maskCharacters(text)
  }

  /// `mask` on the text's characters.
  static func maskCharacters(_ text: String) -> String {
    let chars = Array(text)
    guard chars.count > 1 else { return chars.isEmpty ? "" : "*" }
    let digitsLike = chars.filter { $0.isASCII && ($0.isNumber || $0.isLetter) }.count
    if chars.count >= 11, digitsLike == chars.count {
      return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10)
        + String(chars.suffix(4))
    }
    if chars.count >= 8, digitsLike == chars.count {
      return String(chars.prefix(2)) + String(repeating: "*", count: chars.count - 4)
        + String(chars.suffix(2))
    }
    return String(chars[0]) + String(repeating: "*", count: chars.count - 1)
  }

  /// `mask` on UTF-8 text whose scalars are each a character; nil for other text.
  static func maskScalarwise(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    var count = 0
    var alphanumerics = 0
    var firstEnd = 0
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if b < 0x80 {
        guard b != 0x0D else { return nil }
        if (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) {
          alphanumerics += 1
        }
        i += 1
      } else if b & 0xF0 == 0xE0 {
        // The text is valid UTF-8: a lead byte of three is followed by two more.
        let scalar = UInt32(b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
        guard (0x3400...0x4DBF).contains(scalar) || (0x4E00...0x9FFF).contains(scalar) else { return nil }
        i += 3
      } else {
        return nil
      }
      count += 1
      if count == 1 { firstEnd = i }
    }
    guard count > 1 else { return count == 0 ? "" : "*" }
    let star = UInt8(ascii: "*")
    var out: [UInt8] = []
    if alphanumerics == count, count >= 8 {
      // All ASCII: a character is a byte.
      let (head, tail) = count >= 11 ? (6, 4) : (2, 2)
      out += bytes[0..<head]
      out += repeatElement(star, count: count - head - tail)
      out += bytes[(count - tail)...]
    } else {
      out += bytes[0..<firstEnd]
      out += repeatElement(star, count: count - 1)
    }
    return String(decoding: out, as: UTF8.self)
  }
}
