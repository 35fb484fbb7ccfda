// Tests for the text forms of every column type (SPEC §2.1).

import Testing

@testable import ComplyCore

struct ValueParserTests {
  @Test(arguments: [
    ("2020-09-01", "2020-09-01"), ("2020/9/1", "2020-09-01"), ("2020.9.1", "2020-09-01"),
    ("2020年9月1日", "2020-09-01"), ("20200901", "2020-09-01"), ("2020-9-01", "2020-09-01"),
    (" 2020-09-01 ", "2020-09-01"), ("2024-02-29", "2024-02-29"),
  ])
  func datesInEveryWrittenForm(text: String, iso: String) {
    #expect(ValueParser.parse(text, as: .date)?.description == iso)
  }

  @Test(arguments: ["2021-02-29", "2020-13-01", "2020/9/1/", "20200931", "2020-09", "9/1/2020", "2020-09-01 08:00", "40544", "2020年9月1"])
  func invalidDatesDoNotParse(text: String) {
    #expect(ValueParser.parse(text, as: .date) == nil)
  }

  @Test(arguments: [("202009", "2020-09-01"), ("2020-09", "2020-09-01"), ("2020年9月", "2020-09-01"), ("2020-9", "2020-09-01")])
  func monthsAreTheirFirstDay(text: String, iso: String) {
    #expect(ValueParser.parse(text, as: .month)?.description == iso)
  }

  @Test(arguments: [("8:00", 480), ("08:00", 480), ("08:00:00", 480), ("23:59", 1439)])
  func times(text: String, minutes: Int) {
    guard case .time(let t)? = ValueParser.parse(text, as: .time) else {
      Issue.record("'\(text)' did not parse")
      return
    }
    #expect(t.minutes == minutes)
  }

  @Test(arguments: ["24:00", "8:0", "8", "08:60", "8:00am"])
  func invalidTimes(text: String) {
    #expect(ValueParser.parse(text, as: .time) == nil)
  }

  @Test(arguments: [
    ("是", true), ("否", false), ("true", true), ("FALSE", false), ("yes", true), ("No", false),
    ("1", true), ("0", false), ("Y", true), ("n", false), ("√", true), ("×", false),
  ])
  func booleans(text: String, value: Bool) {
    #expect(ValueParser.parse(text, as: .boolean) == .bool(value))
  }

  @Test(arguments: [
    ("1", 1), ("7", 7), ("一", 1), ("日", 7), ("周三", 3), ("周日", 7), ("周天", 7), ("星期五", 5),
    ("星期天", 7), ("星期日", 7), ("Mon", 1), ("sun", 7), ("Saturday", 6),
  ])
  func weekdays(text: String, day: Int) {
    #expect(ValueParser.parse(text, as: .weekday) == .int(Int64(day)))
  }

  @Test(arguments: ["0", "8", "周八", "星期", "Mo"])
  func invalidWeekdays(text: String) {
    #expect(ValueParser.parse(text, as: .weekday) == nil)
  }

  @Test(arguments: [
    ("1", 1), ("12", 12), ("一年级", 1), ("九年级", 9), ("七年级", 7), ("初一", 7), ("初二", 8),
    ("初三", 9), ("高一", 10), ("高三", 12), ("1年级", 1), ("十二年级", 12),
  ])
  func gradesUnderSixThree(text: String, grade: Int) {
    #expect(ValueParser.parse(text, as: .grade) == .int(Int64(grade)))
  }

  @Test(arguments: [("初一", 6), ("初四", 9), ("高一", 10), ("六年级", 6)])
  func gradesUnderFiveFour(text: String, grade: Int) {
    #expect(ValueParser.parse(text, as: .grade, grades: .fiveFour) == .int(Int64(grade)))
  }

  @Test(arguments: ["0", "13", "初四", "高四", "十三年级", "初"])
  func invalidGrades(text: String) {
    #expect(ValueParser.parse(text, as: .grade) == nil)
  }

  @Test func emptyAndBlankCellsAreNull() {
    for type in ColumnType.allCases {
      #expect(ValueParser.parse("", as: type) == .null)
      #expect(ValueParser.parse("  \u{3000}", as: type) == .null)
    }
  }

  @Test(arguments: ["12", "-3", "+4"])
  func integers(text: String) {
    #expect(ValueParser.parse(text, as: .integer) == .int(Int64(text)!))
  }

  @Test(arguments: ["1.5", "1e3", "abc", "1,000", "0x10"])
  func invalidIntegers(text: String) {
    #expect(ValueParser.parse(text, as: .integer) == nil)
  }
}
