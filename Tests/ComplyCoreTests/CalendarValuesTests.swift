// Tests for calendar arithmetic behind dates and weekdays.

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
}

struct SuggestionTests {
  @Test func suggestsCloseNames() {
    #expect(Suggestion.closest(to: "金頟", in: ["金额", "姓名"]) == "金额")
    #expect(Suggestion.closest(to: "lenn", in: ["len", "lower"]) == "len")
    #expect(Suggestion.closest(to: "完全不同", in: ["金额"]) == nil)
  }
}
