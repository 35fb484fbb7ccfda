// Tests for calendar arithmetic behind dates and weekdays, and for masking personal values.

import Testing

@testable import ComplyCore

struct CalendarValuesTests {
  @Test func knownWeekdays() throws {
    #expect(try #require(Day(year: 1970, month: 1, day: 1)).weekday == 4)
    #expect(try #require(Day(year: 2020, month: 9, day: 1)).weekday == 2)
    #expect(try #require(Day(year: 2026, month: 11, day: 29)).weekday == 7)
  }

  @Test func roundTripsAcrossCenturies() throws {
    for (y, m, d) in [(1900, 3, 1), (2000, 2, 29), (2024, 12, 31), (1969, 12, 31)] {
      let day = try #require(Day(year: y, month: m, day: d))
      #expect(day.components == (y, m, d))
    }
  }

  @Test func leapYears() {
    #expect(Day(year: 1900, month: 2, day: 29) == nil)
    #expect(Day(year: 2000, month: 2, day: 29) != nil)
  }

  /// Every day from 0001-01-01 to 9999-12-31 is the next ordinal after the one before, and
  /// round-trips through its components; every other (year, month, day) is nil.
  @Test func everyCalendarDayAndNoOther() {
    var expected = -719_162  // 0001-01-01
    for year in 0...10_000 {
      for month in 0...13 {
        for day in 0...32 {
          let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
          let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
          let valid =
            (1...9999).contains(year) && (1...12).contains(month) && day >= 1
            && day <= length[month - 1]
          guard valid else {
            if Day(year: year, month: month, day: day) != nil {
              Issue.record("\(year)-\(month)-\(day) is not a date")
            }
            continue
          }
          guard let d = Day(year: year, month: month, day: day) else {
            Issue.record("\(year)-\(month)-\(day) did not make a day")
            continue
          }
          if d.ordinal != expected || d.components != (year, month, day) {
            Issue.record("\(year)-\(month)-\(day): ordinal \(d.ordinal), expected \(expected)")
          }
          expected += 1
        }
      }
    }
    #expect(expected == 2_932_897)  // 10000-01-01
  }

  @Test func dayDifference() throws {
    let a = try #require(Day(year: 2020, month: 8, day: 31))
    let b = try #require(Day(year: 2020, month: 9, day: 1))
    #expect(b.ordinal - a.ordinal == 1)
  }
}

struct PIIMaskTests {
  @Test(arguments: [
    ("张三", "张*"), ("欧阳娜娜", "欧***"), ("110101200001011234", "110101********1234"),
    ("G110101200001011234", "G11010*********1234"), ("", ""), ("A", "*"),
  ])
  func masks(text: String, masked: String) {
    #expect(PIIMask.mask(text) == masked)
  }

  /// Masking on the bytes gives what masking the characters gives, for identifiers, names and
  /// text with characters of several scalars (CR LF, combining marks, variation selectors,
  /// emoji, Hangul jamo), which must not take the byte path.
  @Test func bytesAndCharactersAgree() {
    let identifier = ["0", "1", "7", "9", "a", "z", "A", "G", "X", "Z"]
    let scalarwise = identifier + ["-", " ", "\n", "\t", "~", "张", "三", "\u{3400}", "\u{4DBF}", "\u{4E00}", "\u{9FFF}"]
    let mixed =
      scalarwise + [
        "\r", "\r\n", "e\u{301}", "\u{301}", "\u{FE0F}", "葛\u{E0100}", "\u{1F44D}", "\u{1F1E8}\u{1F1F3}",
        "\u{D55C}", "\u{1100}\u{1161}", "\u{FF21}", "\u{FF11}", "\u{3000}", "\u{4DC0}", "\u{B7}",
      ]
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    var byBytes = 0
    for k in 0..<6000 {
      let alphabet = [identifier, scalarwise, mixed][k % 3]
      let text = (0..<next(22)).map { _ in alphabet[next(alphabet.count)] }.joined()
      #expect(PIIMask.mask(text) == PIIMask.maskCharacters(text), "\(Array(text.unicodeScalars))")
      if k % 3 < 2 {
        var copy = text
        if copy.withUTF8(PIIMask.maskScalarwise) != nil { byBytes += 1 }
      }
    }
    #expect(byBytes == 4000)
  }
}

struct SuggestionTests {
  @Test func suggestsCloseNames() {
    #expect(Suggestion.closest(to: "金頟", in: ["金额", "姓名"]) == "金额")
    #expect(Suggestion.closest(to: "lenn", in: ["len", "lower"]) == "len")
    #expect(Suggestion.closest(to: "完全不同", in: ["金额"]) == nil)
  }
}
