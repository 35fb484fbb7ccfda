// The automaton path of `matches` must agree with ICU on every pattern it takes over —
// including ICU's `$` before a final line terminator — and leave every other pattern to ICU.

import Foundation
import Testing

@testable import ComplyExpr

struct ClassSequencePatternTests {
  static let patterns = [
    "^G[0-9]{17}[0-9X]$", "^[A-Z]{2}[0-9]{4,6}$", "^学[0-9]+号?$", "[0-9]{3}", "^a*b?c{2,3}$", "^$",
    "^[0-9X]*X$", "^x{0,2}y$", "G[0-9]$", "^[a-c]+", "^x{0}y$", "^[0-9]{2,}$", "^e\u{301}+$",
    "^Ａ[0-z]?$", "a[0-9]*b", "^G-[0-9]{1,3}/[a-f]$", "X$", "^学[0-9]号$", "^[0-9X]{2}$",
  ]

  /// A fixed-seed generator (SplitMix64), so failures reproduce.
  struct Generator {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Int((z ^ (z >> 31)) % UInt64(bound))
    }
  }

  static let alphabet = [
    "G", "0", "1", "7", "9", "X", "x", "y", "a", "b", "c", "Z", "学", "号", "\n", "\r\n", "\r", "\u{2028}",
    "\u{85}", "\u{0B}", "\u{E9}", "e", "\u{301}", "Ａ", "_", "-", "/", " ", "𠀀",
  ]
  static let terminators = ["", "\n", "\r\n", "\r", "\u{0C}", "\u{85}", "\u{2029}", "\n\n", "\n "]

  /// Matching texts for the patterns above; each is also tried with one character dropped or
  /// doubled and with each line terminator appended.
  static let seeds = [
    "AB1234", "ZZ123456", "abcc", "bccc", "aaaccc", "G-1/a", "G-123/f", "学12号", "学0", "xxy", "y", "12",
    "e\u{301}\u{301}", "Ａz", "Ａ", "a7b", "0X", "X", "ab", "G5", "学1号", "X9",
  ]

  /// Random texts, near misses of the seeds, then valid student numbers with one change: a digit
  /// swapped, a character dropped or added, lower case, a line terminator appended.
  static func texts() -> [String] {
    var g = Generator(state: 42)
    var texts: [String] = [""]
    for _ in 0..<3000 {
      let length = g.next(24)
      texts.append((0..<length).map { _ in alphabet[g.next(alphabet.count)] }.joined())
    }
    for seed in seeds {
      let scalars = Array(seed.unicodeScalars)
      for k in scalars.indices {
        var dropped = scalars
        dropped.remove(at: k)
        var doubled = scalars
        doubled.insert(scalars[k], at: k)
        texts += [dropped, doubled].map { String(String.UnicodeScalarView($0)) }
      }
      texts += terminators.map { seed + $0 }
    }
    for _ in 0..<500 {
      var id = Array("G" + (0..<17).map { _ in String(g.next(10)) }.joined() + (g.next(2) == 0 ? "X" : "5"))
      switch g.next(5) {
      case 0: id[1 + g.next(18)] = ["X", "x", "a", "学", "０"][g.next(5)]
      case 1: id.remove(at: g.next(id.count))
      case 2: id.insert(["1", "X", " "][g.next(3)], at: g.next(id.count + 1))
      case 3: id[0] = "g"
      default: break
      }
      texts.append(String(id) + terminators[g.next(terminators.count)])
    }
    return texts
  }

  @Test(arguments: patterns)
  func agreesWithICU(pattern: String) throws {
    let sequence = try #require(ClassSequencePattern(pattern: pattern))
    let regex = try NSRegularExpression(pattern: pattern)
    var disagreements: [String] = []
    var matched = 0
    for text in Self.texts() {
      let icu = regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
      if icu { matched += 1 }
      if sequence.matches(text) != icu {
        disagreements.append("\(text.unicodeScalars.map { "U+" + String($0.value, radix: 16) }) ICU \(icu)")
      }
    }
    #expect(disagreements.count == 0, "'\(pattern)': \(disagreements.prefix(5))")
    #expect(matched > 0, "'\(pattern)' matched no generated text")
  }

  @Test(arguments: [
    ("^G[0-9]{17}[0-9X]$", "G41152420161121001X", true), ("^G[0-9]{17}[0-9X]$", "G41152420161121001X\n", true),
    ("^G[0-9]{17}[0-9X]$", "G41152420161121001X\r\n", true), ("^G[0-9]{17}[0-9X]$", "G41152420161121001X\n\n", false),
    ("^G[0-9]{17}[0-9X]$", "G41152420161121001", false), ("^G[0-9]{17}[0-9X]$", "g411524201611210012", false),
    ("^G[0-9]{17}[0-9X]$", "G4115242016112100１2", false), ("^$", "", true), ("^$", "\u{2028}", true),
  ])
  func knownAnswers(pattern: String, text: String, matches: Bool) throws {
    #expect(try #require(ClassSequencePattern(pattern: pattern)).matches(text) == matches)
  }

  @Test(arguments: [
    "^\\d{3}$", "^[^0-9]$", "^[0-9]{2}+$", "^[0-9]{2}?$", "^[0-9]*?$", "^(ab)+$", "^a|b$", "^.$", "^[a-]$",
    "^[-a]$", "^x{100}$", "^[0-9]{40}[a-z]{40}$", "^[9-0]$", "^[]$", "^x{,3}$", "^x{1000}$", "^ab\\$",
    "^[[:digit:]]$", "^a b$", "^x{2,1}$", "^*a$", "a^b", "^\u{2028}$",
  ])
  func leavesRealRegularExpressionsToICU(pattern: String) {
    #expect(ClassSequencePattern(pattern: pattern) == nil)
  }
}
