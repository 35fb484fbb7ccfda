// ClassSequencePattern: `matches(text, pattern)` for patterns that are a sequence of
// one-character items — a literal, or a class of ASCII letters, digits and ranges such as
// `[0-9X]` — each optionally counted (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`), with optional `^`
// and `$` anchors (`^G[0-9]{17}[0-9X]$`). They run as a bit-parallel automaton over the UTF-8
// bytes instead of through ICU.
//
// Why hand-written: ICU's matcher (NSRegularExpression) made FEE-STUDENT-NO-FORMAT, one such
// pattern on every one of the benchmark's 1M fee rows, the costliest row rule. Best of 3 user
// seconds, main → with this type, runs interleaved: 1.50 → 0.82; the cheapest rule 0.76 both.
//
// Agreement with ICU (tested against NSRegularExpression on generated texts):
// - Items match code points, as ICU does without UREGEX_CANON_EQ; only ASCII letters, digits,
//   `-`, `_`, `/`, `:` and non-ASCII scalars other than line terminators are literals, so no
//   item matches a line terminator and every other character (`\d`, `.`, groups, `|`, negated
//   classes, lazy or possessive counts…) leaves the pattern to ICU.
// - ICU's `$` also matches before one final line terminator (`\n`, `\r\n`, `\r`, `\v`, `\f`,
//   U+0085, U+2028, U+2029); that terminator is dropped before matching a `$` pattern.
//
// Design: item i of the expanded pattern (`x{2,3}` is x, x, optional x) is bit i; bit N (the
// item count, at most 63) means the whole pattern has matched. A scalar moves every live bit
// whose item accepts it one place on (a repeating item also keeps its bit), then optional items
// may be skipped.

struct ClassSequencePattern {
  /// For each ASCII code, the items that accept it.
  private let asciiItems: [UInt64]
  /// For each non-ASCII literal scalar in the pattern, the items that are that scalar.
  private let scalarItems: [UInt32: UInt64]
  /// Items that may repeat (`*`, `+`, `{n,}`).
  private let repeating: UInt64
  /// Items that may be skipped (`?`, `*`, the optional part of `{n,m}`).
  private let skippable: UInt64
  /// The bit of the end of the pattern.
  private let done: UInt64
  private let anchoredAtStart: Bool
  private let anchoredAtEnd: Bool
  /// Anchored at both ends, every item once: a match has exactly `fixedLength` characters.
  private let isFixed: Bool
  private let fixedLength: Int

  static let maxItems = 63

  /// Nil when the pattern needs a real regular expression engine.
  init?(pattern: String) {
    var scalars = Array(pattern.unicodeScalars)
    anchoredAtStart = scalars.first == "^"
    if anchoredAtStart { scalars.removeFirst() }
    anchoredAtEnd = scalars.last == "$"
    if anchoredAtEnd { scalars.removeLast() }

    var ascii = [UInt64](repeating: 0, count: 128)
    var others: [UInt32: UInt64] = [:]
    var repeating: UInt64 = 0
    var skippable: UInt64 = 0
    var count = 0
    var i = 0
    while i < scalars.count {
      // The item's accepted characters.
      var codes: [UInt8] = []
      var scalar: UInt32?
      if scalars[i] == "[" {
        guard let (classCodes, next) = Self.parseClass(scalars, from: i + 1) else { return nil }
        codes = classCodes
        i = next
      } else if let code = Self.asciiLiteral(scalars[i]) {
        codes = [code]
        i += 1
      } else if Self.isNonASCIILiteral(scalars[i]) {
        scalar = scalars[i].value
        i += 1
      } else {
        return nil
      }
      guard let (least, most, next) = Self.parseCount(scalars, from: i) else { return nil }
      i = next
      let copies = most ?? max(least, 1)
      guard count + copies <= Self.maxItems else { return nil }
      for copy in 0..<copies {
        let bit: UInt64 = 1 << UInt64(count + copy)
        for code in codes { ascii[Int(code)] |= bit }
        if let scalar { others[scalar, default: 0] |= bit }
        if copy >= least { skippable |= bit }
        if most == nil && copy == copies - 1 { repeating |= bit }
      }
      count += copies
    }
    asciiItems = ascii
    scalarItems = others
    self.repeating = repeating
    self.skippable = skippable
    done = 1 << UInt64(count)
    isFixed = anchoredAtStart && anchoredAtEnd && repeating == 0 && skippable == 0
    fixedLength = count
  }

  func matches(_ text: String) -> Bool {
    var text = text
    return text.withUTF8(matches(utf8:))
  }

  // MARK: - Matching

  func matches(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let end = anchoredAtEnd ? Self.endBeforeFinalLineTerminator(bytes) : bytes.count
    // A pattern anchored at both ends with neither optional nor repeating items (`^G[0-9]{17}
    // [0-9X]$`) matches exactly the texts of its length whose i-th character item i accepts:
    // for an ASCII text that is one table lookup per byte, without the automaton's steps.
    // `--rule FEE-STUDENT-NO-FORMAT` over the 1M-row benchmark, six alternating pairs, user s:
    // 0.45–0.49 → 0.42–0.45 (the middle four); other texts take the automaton.
    if isFixed, end == fixedLength {
      var i = 0
      while i < end {
        let b = bytes[i]
        if b >= 0x80 { break }
        if asciiItems[Int(b)] & (1 << UInt64(i)) == 0 { return false }
        i += 1
      }
      if i == end { return true }
    }
    let start = skipForward(1)
    var live = start
    var i = 0
    while true {
      if live & done != 0 && (!anchoredAtEnd || i == end) { return true }
      if i == end || (live == 0 && anchoredAtStart) { return false }
      let items: UInt64
      let b = bytes[i]
      if b < 0x80 {
        items = asciiItems[Int(b)]
        i += 1
      } else {
        let (scalar, length) = Self.decode(bytes, at: i)
        items = scalarItems[scalar] ?? 0
        i += length
      }
      let moved = live & items
      live = skipForward((moved << 1) | (moved & repeating))
      if !anchoredAtStart { live |= start }
    }
  }

  /// `bits` plus every position reachable from them by skipping optional items.
  private func skipForward(_ bits: UInt64) -> UInt64 {
    var bits = bits
    while true {
      let more = bits | ((bits & skippable) << 1)
      if more == bits { return bits }
      bits = more
    }
  }

  /// Where ICU's `$` may match: before a final `\r\n`, `\n`, `\v`, `\f`, `\r`, U+0085, U+2028 or
  /// U+2029, else at the end.
  static func endBeforeFinalLineTerminator(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    let n = bytes.count
    guard let last = bytes.last else { return 0 }
    if last == 0x0A && n >= 2 && bytes[n - 2] == 0x0D { return n - 2 }
    if (0x0A...0x0D).contains(last) { return n - 1 }
    if n >= 2 && bytes[n - 2] == 0xC2 && last == 0x85 { return n - 2 }
    if n >= 3 && bytes[n - 3] == 0xE2 && bytes[n - 2] == 0x80 && (last == 0xA8 || last == 0xA9) {
      return n - 3
    }
    return n
  }

  /// The scalar of the multi-byte UTF-8 sequence at `i`, and its length.
  private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
    let b = bytes[i]
    let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
    var scalar = UInt32(b) & (0x7F >> UInt32(length))
    for k in 1..<length { scalar = scalar << 6 | UInt32(bytes[i + k] & 0x3F) }
    return (scalar, length)
  }

  // MARK: - Parsing

  /// An ASCII character ICU reads literally outside a class and that matches no line terminator.
  private static func asciiLiteral(_ s: Unicode.Scalar) -> UInt8? {
    guard s.isASCII else { return nil }
    let c = UInt8(s.value)
    return isASCIIAlphanumeric(c) || "-_/:".utf8.contains(c) ? c : nil
  }

  private static func isNonASCIILiteral(_ s: Unicode.Scalar) -> Bool {
    !s.isASCII && s != "\u{85}" && s != "\u{2028}" && s != "\u{2029}"
  }

  private static func isASCIIAlphanumeric(_ c: UInt8) -> Bool {
    (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
  }

  /// The codes of a class of ASCII letters, digits and ranges between them, read after `[`;
  /// and the index after its `]`.
  private static func parseClass(_ s: [Unicode.Scalar], from start: Int) -> ([UInt8], Int)? {
    var codes: [UInt8] = []
    var i = start
    func member(_ k: Int) -> UInt8? {
      guard k < s.count, s[k].isASCII, isASCIIAlphanumeric(UInt8(s[k].value)) else { return nil }
      return UInt8(s[k].value)
    }
    while i < s.count && s[i] != "]" {
      guard let low = member(i) else { return nil }
      if i + 1 < s.count && s[i + 1] == "-" {
        guard let high = member(i + 2), low <= high else { return nil }
        codes += Array(low...high)
        i += 3
      } else {
        codes.append(low)
        i += 1
      }
    }
    guard i < s.count, !codes.isEmpty else { return nil }
    return (codes, i + 1)
  }

  /// The count after an item — (1, 1) when there is none, `most` nil when unbounded — and the
  /// index after it. Nil for a malformed count or a lazy or possessive one.
  private static func parseCount(_ s: [Unicode.Scalar], from start: Int) -> (Int, Int?, Int)? {
    guard start < s.count else { return (1, 1, start) }
    var i = start + 1
    let least: Int
    let most: Int?
    switch s[start] {
    case "?": (least, most) = (0, 1)
    case "*": (least, most) = (0, nil)
    case "+": (least, most) = (1, nil)
    case "{":
      func number() -> Int? {
        var value = 0
        let first = i
        while i < s.count, let digit = Int(String(s[i])), s[i].isASCII, i - first < 3 {
          value = value * 10 + digit
          i += 1
        }
        return i > first ? value : nil
      }
      guard let n = number() else { return nil }
      if i < s.count && s[i] == "," {
        i += 1
        if i < s.count && s[i] == "}" {
          (least, most) = (n, nil)
        } else {
          guard let m = number(), m >= n else { return nil }
          (least, most) = (n, m)
        }
      } else {
        (least, most) = (n, n)
      }
      guard i < s.count && s[i] == "}" else { return nil }
      i += 1
    default:
      return (1, 1, start)
    }
    if i < s.count && "?*+{".unicodeScalars.contains(s[i]) { return nil }
    return (least, most, i)
  }
}
