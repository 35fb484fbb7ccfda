// Tests for the text forms of every column type (SPEC §2.1): through the String entry point,
// and through the byte entry point that CSV cells take (every accepted and rejected form,
// trimming, malformed UTF-8, and agreement of the two on generated inputs).

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

  // MARK: - The byte entry point

  /// The accepted forms of every type, with the value each one reads as.
  static let acceptedForms: [(String, ColumnType, String)] = [
    ("12", ColumnType.integer, "int 12"), ("-3", .integer, "int -3"), ("+4", .integer, "int 4"),
    ("007", .integer, "int 7"), ("9223372036854775807", .integer, "int 9223372036854775807"),
    ("-9223372036854775807", .integer, "int -9223372036854775807"),
    ("200", .decimal, "decimal 200"), ("150.50", .decimal, "decimal 150.50"),
    ("-0.5", .decimal, "decimal -0.5"), (".5", .decimal, "decimal 0.5"),
    ("1,234.56", .decimal, "decimal 1234.56"), ("12,345,678", .decimal, "decimal 12345678"),
    ("+7", .decimal, "decimal 7"),
    ("2020-09-01", .date, "date 2020-09-01"), ("2020-9-1", .date, "date 2020-09-01"),
    ("2020/9/1", .date, "date 2020-09-01"), ("2020/09/01", .date, "date 2020-09-01"),
    ("2020.9.1", .date, "date 2020-09-01"), ("2020.09.01", .date, "date 2020-09-01"),
    ("2020年9月1日", .date, "date 2020-09-01"), ("2020年09月01日", .date, "date 2020-09-01"),
    ("20200901", .date, "date 2020-09-01"), ("2024-02-29", .date, "date 2024-02-29"),
    ("0001-01-01", .date, "date 0001-01-01"), ("9999-12-31", .date, "date 9999-12-31"),
    ("202009", .month, "date 2020-09-01"), ("2020-09", .month, "date 2020-09-01"),
    ("2020-9", .month, "date 2020-09-01"), ("2020/9", .month, "date 2020-09-01"),
    ("2020.9", .month, "date 2020-09-01"), ("2020.12", .month, "date 2020-12-01"),
    ("2020年9月", .month, "date 2020-09-01"), ("2020年09月", .month, "date 2020-09-01"),
    ("8:00", .time, "time 08:00"), ("08:00", .time, "time 08:00"),
    ("08:00:00", .time, "time 08:00"), ("0:00", .time, "time 00:00"),
    ("23:59:59", .time, "time 23:59:59"), ("8:05:30", .time, "time 08:05:30"),
    ("是", .boolean, "bool true"), ("否", .boolean, "bool false"), ("true", .boolean, "bool true"),
    ("TrUe", .boolean, "bool true"), ("FALSE", .boolean, "bool false"),
    ("yes", .boolean, "bool true"), ("YES", .boolean, "bool true"), ("No", .boolean, "bool false"),
    ("1", .boolean, "bool true"), ("0", .boolean, "bool false"), ("Y", .boolean, "bool true"),
    ("y", .boolean, "bool true"), ("N", .boolean, "bool false"), ("n", .boolean, "bool false"),
    ("√", .boolean, "bool true"), ("×", .boolean, "bool false"),
    ("1", .weekday, "int 1"), ("7", .weekday, "int 7"), ("一", .weekday, "int 1"),
    ("二", .weekday, "int 2"), ("三", .weekday, "int 3"), ("四", .weekday, "int 4"),
    ("五", .weekday, "int 5"), ("六", .weekday, "int 6"), ("日", .weekday, "int 7"),
    ("天", .weekday, "int 7"), ("周一", .weekday, "int 1"), ("周六", .weekday, "int 6"),
    ("周日", .weekday, "int 7"), ("周天", .weekday, "int 7"), ("星期一", .weekday, "int 1"),
    ("星期四", .weekday, "int 4"), ("星期日", .weekday, "int 7"), ("星期天", .weekday, "int 7"),
    ("Mon", .weekday, "int 1"), ("tue", .weekday, "int 2"), ("WED", .weekday, "int 3"),
    ("Thu", .weekday, "int 4"), ("fri", .weekday, "int 5"), ("Sat", .weekday, "int 6"),
    ("sun", .weekday, "int 7"), ("Monday", .weekday, "int 1"), ("TUESDAY", .weekday, "int 2"),
    ("wednesday", .weekday, "int 3"), ("Thursday", .weekday, "int 4"),
    ("Friday", .weekday, "int 5"), ("saturday", .weekday, "int 6"), ("Sunday", .weekday, "int 7"),
    ("1", .grade, "int 1"), ("12", .grade, "int 12"), ("+7", .grade, "int 7"),
    ("07", .grade, "int 7"), ("一年级", .grade, "int 1"), ("六年级", .grade, "int 6"),
    ("九年级", .grade, "int 9"), ("十年级", .grade, "int 10"), ("十一年级", .grade, "int 11"),
    ("十二年级", .grade, "int 12"), ("1年级", .grade, "int 1"), ("12年级", .grade, "int 12"),
    ("初一", .grade, "int 7"), ("初二", .grade, "int 8"), ("初三", .grade, "int 9"),
    ("高一", .grade, "int 10"), ("高二", .grade, "int 11"), ("高三", .grade, "int 12"),
    ("abc", .string, "string \"abc\""), ("张三", .string, "string \"张三\""),
    ("a b", .string, "string \"a b\""), ("张\u{3000}三", .string, "string \"张\u{3000}三\""),
  ]

  @Test(arguments: acceptedForms)
  func everyAcceptedFormFromBytes(text: String, type: ColumnType, expected: String) {
    #expect(show(parseBytes(text, as: type)) == expected)
    #expect(show(ValueParser.parse(text, as: type)) == expected)
  }

  @Test(arguments: [("初一", 6), ("初二", 7), ("初三", 8), ("初四", 9), ("高一", 10), ("七年级", 7)])
  func fiveFourGradesFromBytes(text: String, grade: Int) {
    #expect(parseBytes(text, as: .grade, grades: .fiveFour) == .int(Int64(grade)))
  }

  /// Forms each type rejects: near misses of the accepted ones.
  @Test(arguments: [
    ("-", ColumnType.integer), ("+", .integer), ("--1", .integer),
    ("+-1", .integer), ("1 2", .integer), ("1-", .integer), ("１２", .integer),
    ("9223372036854775808", .integer), ("-9223372036854775808", .integer),
    ("abc", .decimal), ("1,23", .decimal), ("1,2345", .decimal), ("1.2.3", .decimal),
    ("1,234,56", .decimal), (".", .decimal), (",123", .decimal), ("1e3", .decimal),
    ("12a", .decimal), ("1 000", .decimal),
    ("2020-9/1", .date), ("2020/9-1", .date), ("2020.9-1", .date), ("2020年9月1号", .date),
    ("2020-09-01日", .date), ("2020年9-1", .date), ("2020-9月1日", .date),
    ("02020-09-01", .date), ("2020-009-01", .date), ("2020-09-001", .date),
    ("2020--09-01", .date), ("2020-09-01-", .date), ("-2020-09-01", .date),
    ("２０２０-09-01", .date), ("202009011", .date), ("2020901", .date), ("2020 09 01", .date),
    ("2020-9-1\u{301}", .date), ("2020-\u{301}9-1", .date), ("2020年9月1", .date),
    ("2020", .date), ("2020-", .date), ("2020-9", .date), ("2020-9-", .date),
    ("2020-09-01", .month), ("2020年9", .month), ("20209", .month), ("2020/13", .month),
    ("2020-9月", .month), ("2020年9月1日", .month), ("202013", .month), ("2020-", .month),
    ("2020", .month), ("2020-009", .month), ("2020年9月份", .month), ("2020-9-", .month),
    ("08:00:0", .time), ("08:00:", .time), ("008:00", .time), ("8:000", .time), (":00", .time),
    ("8::00", .time), ("08:00:60", .time), ("8.00", .time), ("８:00", .time),
    ("08:00:00:00", .time), ("-8:00", .time),
    ("是的", .boolean), ("t", .boolean), ("ok", .boolean), ("2", .boolean), ("yes!", .boolean),
    ("tru", .boolean), ("f", .boolean), ("y es", .boolean), ("是否", .boolean), ("01", .boolean),
    ("周", .weekday), ("星期", .weekday), ("星一", .weekday), ("七", .weekday), ("周七", .weekday),
    ("Mond", .weekday), ("mondays", .weekday), ("周1", .weekday), ("星期八", .weekday),
    ("礼拜一", .weekday), ("01", .weekday), ("+1", .weekday), ("期一", .weekday),
    ("0年级", .grade), ("13年级", .grade), ("初五", .grade), ("一", .grade), ("年级", .grade),
    ("二十年级", .grade), ("初一年级", .grade), ("7 年级", .grade), ("十十年级", .grade),
    ("高", .grade), ("初十", .grade), ("-1", .grade), ("一年", .grade),
  ])
  func rejectedFormsFromBytes(text: String, type: ColumnType) {
    #expect(parseBytes(text, as: type) == nil)
    #expect(ValueParser.parse(text, as: type) == nil)
  }

  /// Cells near the forms the decoder's fast paths take (plain decimals, `YYYY-MM-DD`, one- and
  /// two-digit grades, unpadded cells), with the values the general parsers give them.
  @Test(arguments: [
    ("150.00", ColumnType.decimal, "decimal 150.00"), ("120", .decimal, "decimal 120"),
    ("-0.50", .decimal, "decimal -0.50"), ("+150.00", .decimal, "decimal 150.00"),
    ("1,200.00", .decimal, "decimal 1200.00"), (".5", .decimal, "decimal 0.5"),
    ("5.", .decimal, "decimal 5"), ("-.5", .decimal, "decimal -0.5"), ("0", .decimal, "decimal 0"),
    ("-0", .decimal, "decimal 0"), ("007.10", .decimal, "decimal 7.10"),
    ("123456789012345678", .decimal, "decimal 123456789012345678"),
    ("1234567890123456789", .decimal, "decimal 1234567890123456789"),
    ("999999999999999999999999999999999999", .decimal,
     "decimal 999999999999999999999999999999999999"),
    ("0.123456789012345678", .decimal, "decimal 0.123456789012345678"),
    ("0.1234567890123456789", .decimal, "invalid"),
    ("1234567890123456789012345678901234567", .decimal, "invalid"),
    ("150元", .decimal, "invalid"), ("12,34", .decimal, "invalid"), ("5..", .decimal, "invalid"),
    ("+", .decimal, "invalid"), ("-.", .decimal, "invalid"), ("+-1", .decimal, "invalid"),
    ("1.5.", .decimal, "invalid"), ("1/2", .decimal, "invalid"), ("1:2", .decimal, "invalid"),
    ("\u{3000}150.00\u{3000}", .decimal, "decimal 150.00"), ("  150.00", .decimal, "decimal 150.00"),
    ("150.00  ", .decimal, "decimal 150.00"), ("\u{3000}", .decimal, "null"), (" ", .decimal, "null"),
    ("2024-09-05", .date, "date 2024-09-05"), ("2024-02-29", .date, "date 2024-02-29"),
    ("2024-02-30", .date, "invalid"), ("2023-02-29", .date, "invalid"), ("2024-13-01", .date, "invalid"),
    ("2024-00-10", .date, "invalid"), ("2024-09-00", .date, "invalid"), ("2024-09-31", .date, "invalid"),
    ("0000-01-01", .date, "invalid"), ("1900-02-29", .date, "invalid"), ("2000-02-29", .date, "date 2000-02-29"),
    ("2024-09-5", .date, "date 2024-09-05"), ("2024-9-05", .date, "date 2024-09-05"),
    ("2024-09/05", .date, "invalid"), ("2024/09-05", .date, "invalid"), ("2024-09-0a", .date, "invalid"),
    ("2024-0:-05", .date, "invalid"), ("202/-09-05", .date, "invalid"), ("2024--9-05", .date, "invalid"),
    ("2024-09-05\u{3000}", .date, "date 2024-09-05"), (" 2024-09-05", .date, "date 2024-09-05"),
    ("2024/9/5", .date, "date 2024-09-05"), ("2024年9月5日", .date, "date 2024-09-05"),
    ("20240905", .date, "date 2024-09-05"), ("2024.9.5", .date, "date 2024-09-05"),
    ("0", .grade, "invalid"), ("00", .grade, "invalid"), ("09", .grade, "int 9"), ("10", .grade, "int 10"),
    ("13", .grade, "invalid"), ("99", .grade, "invalid"), ("1a", .grade, "invalid"), ("a", .grade, "invalid"),
    ("/", .grade, "invalid"), (":1", .grade, "invalid"), ("-", .grade, "invalid"), ("+1", .grade, "int 1"),
    ("七年级", .grade, "int 7"), ("初一", .grade, "int 7"), ("12年级", .grade, "int 12"),
    ("\u{3000}3\u{3000}", .grade, "int 3"),
    ("张三", .string, "string \"张三\""), ("\u{3000}张三", .string, "string \"张三\""),
    ("张三 ", .string, "string \"张三\""), ("\u{3000}", .string, "null"),
    ("\u{00A0}a\u{00A0}", .string, "string \"a\""), ("\u{FEFF}a", .string, "string \"a\""),
    ("a\u{FEFF}", .string, "string \"a\""), ("a\u{FFBF}", .string, "string \"a\u{FFBF}\""),
    ("a\u{3080}", .string, "string \"a\u{3080}\""), ("\u{0080}a\u{00A0}", .string, "string \"\u{0080}a\""),
    ("\u{3001}a\u{3000}", .string, "string \"\u{3001}a\""), ("\u{1F}a", .string, "string \"\\u{1F}a\""),
  ])
  func formsNearTheFastPaths(text: String, type: ColumnType, expected: String) {
    #expect(show(parseBytes(text, as: type)) == expected)
  }

  /// The `YYYY-MM-DD` fast path gives what the general date parser gives on generated texts
  /// of ten digits and separators (days that do not exist among them), and declines the rest.
  @Test func isoDateFormAgreesWithTheGeneralParser() {
    let alphabet = Array("0123456789012-/.:0123".utf8)
    var random = SplitMix64(seed: 20_240_905)
    var taken = 0
    for n in 0..<200_000 {
      var bytes = (0..<10).map { _ in alphabet[random.next(below: alphabet.count)] }
      if n % 2 == 0 {
        let (y, m, d) = (random.next(below: 10_000), random.next(below: 14), random.next(below: 33))
        bytes = Array("\(y + 10_000)-\(m + 100)-\(d + 100)".utf8.dropFirst())
        bytes.removeSubrange(5..<6)
        bytes.removeSubrange(8..<9)
        if n % 4 == 0 { bytes[random.next(below: 10)] = alphabet[random.next(below: alphabet.count)] }
      }
      bytes.withUnsafeBufferPointer { b in
        let general = ValueParser.parseAnyDateForm(bytes: b)
        if let fast = ValueParser.parseISODate(bytes: b) {
          taken += 1
          #expect(fast == general, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(ValueParser.parseDate(bytes: b) == general)
      }
    }
    #expect(taken > 40_000, "\(taken) texts took the fast path")
  }

  static let trimmed = [" ", "\t", "\r", "\n", "\r\n", "\u{00A0}", "\u{3000}", "\u{FEFF}"]
  static let samples: [(String, ColumnType)] = [
    ("12", .integer), ("1,234.50", .decimal), ("2020年9月1日", .date), ("2020.9", .month),
    ("8:00", .time), ("√", .boolean), ("星期天", .weekday), ("初三", .grade), ("张 三", .string),
  ]

  @Test func blankCellsAreNullForEveryType() {
    let blanks = [""] + Self.trimmed + [" \u{00A0}\u{3000}\u{FEFF}\t\r\n", "\u{3000}\u{3000}"]
    for type in ColumnType.allCases {
      for blank in blanks {
        #expect(parseBytes(blank, as: type) == .null, "\(type) \(codes(blank))")
      }
    }
  }

  @Test func trimmedCharactersAtEitherEndAreIgnored() {
    for (text, type) in Self.samples {
      let plain = show(parseBytes(text, as: type))
      #expect(plain != "invalid" && plain != "null", "\(text)")
      for a in Self.trimmed {
        for b in Self.trimmed {
          #expect(show(parseBytes(a + text + b, as: type)) == plain, "\(codes(a)) \(text)")
          #expect(show(parseBytes(a + b + text, as: type)) == plain)
          #expect(show(parseBytes(text + a + b, as: type)) == plain)
        }
      }
    }
  }

  @Test func otherSpacesAreNotTrimmed() {
    for space in ["\u{2003}", "\u{200B}", "\u{000B}", "\u{000C}", "\u{2028}", "\u{FFFD}"] {
      #expect(parseBytes(space + "12", as: .integer) == nil)
      #expect(parseBytes("12" + space, as: .integer) == nil)
      #expect(parseBytes(space + "a" + space, as: .string) == .string(space + "a" + space))
    }
  }

  /// String comparison, which first defined the forms, treats these CJK compatibility
  /// ideographs as the unified characters; the byte parsers keep accepting them.
  @Test func compatibilityIdeographsReadAsTheirCharacters() {
    #expect(show(parseBytes("2020\u{F98E}9月1日", as: .date)) == "date 2020-09-01")
    #expect(show(parseBytes("2020\u{F98E}9月", as: .month)) == "date 2020-09-01")
    #expect(parseBytes("\u{F9D1}", as: .weekday) == .int(6))
    #expect(parseBytes("\u{2F83F}\u{F9D1}", as: .weekday) == .int(6))
    #expect(parseBytes("\u{2F83F}一", as: .weekday) == .int(1))
    #expect(parseBytes("\u{F9D1}年级", as: .grade) == .int(6))
    #expect(parseBytes("一\u{F98E}级", as: .grade) == .int(1))
  }

  @Test func malformedUTF8NeverParsesAsAForm() {
    let year = Array("2020".utf8)
    let rest = Array("9月1日".utf8)
    // 年 (U+5E74) written overlong in four bytes.
    #expect(parseRaw(year + [0xF0, 0x85, 0xB9, 0xB4] + rest, as: .date) == nil)
    #expect(parseRaw(year + [0xE5, 0xB9] + rest, as: .date) == nil)
    #expect(parseRaw([0xE5, 0x91], as: .weekday) == nil)
    #expect(parseRaw([0xE3, 0x80] + Array("12".utf8), as: .integer) == nil)
    #expect(parseRaw(Array("12".utf8) + [0x80], as: .integer) == nil)
    #expect(parseRaw([0xC3], as: .boolean) == nil)
    // A string cell's malformed bytes read as U+FFFD, as String(decoding:) repairs them.
    #expect(parseRaw([0x61, 0xFF, 0x62, 0x20], as: .string) == .string("a\u{FFFD}b"))
    #expect(parseRaw([0x20, 0xE3, 0x80], as: .string) == .string("\u{FFFD}"))
  }

  /// The String entry point, the byte entry point on a cell inside a larger buffer, and the
  /// Substring helpers other modules call agree on generated inputs: accepted forms with a few
  /// random edits (near misses), and random strings of fragments of every form.
  @Test func stringAndByteEntryPointsAgreeOnGeneratedInputs() {
    let fragments = [
      "0", "1", "2", "7", "9", "12", "2020", "09", "202009", "20200901", "-", "+", "/", ".", ":",
      ",", "年", "月", "日", "级", "初", "高", "一", "三", "四", "六", "十", "周", "星期", "天", "是",
      "否", "√", "×", "y", "N", "true", "No", "Mon", "day", "a", " ", "\t", "\u{00A0}",
      "\u{3000}", "\u{FEFF}", "\u{301}", "\u{F98E}", "\u{F9D1}", "\u{2F83F}", "\u{2003}",
    ].map { Array($0.unicodeScalars) }
    var random = SplitMix64(seed: 20_250_731)
    var accepted = 0
    for n in 0..<40_000 {
      var scalars: [Unicode.Scalar] = []
      if n % 2 == 0 {
        let form = Self.acceptedForms[random.next(below: Self.acceptedForms.count)].0
        scalars = Array(form.unicodeScalars)
        for _ in 0..<random.next(below: 3) {
          let at = random.next(below: scalars.count + 1)
          let fragment = fragments[random.next(below: fragments.count)]
          switch random.next(below: 3) {
          case 0: scalars.insert(contentsOf: fragment, at: at)
          case 1 where at < scalars.count: scalars.remove(at: at)
          default: scalars.replaceSubrange(at..<min(at + 1, scalars.count), with: fragment)
          }
        }
      } else {
        for _ in 0...random.next(below: 6) {
          scalars += fragments[random.next(below: fragments.count)]
        }
      }
      var text = ""
      text.unicodeScalars.append(contentsOf: scalars)
      for type in ColumnType.allCases {
        for grades in [GradeSystem.sixThree, .fiveFour] {
          let viaString = show(ValueParser.parse(text, as: type, grades: grades))
          #expect(show(parseBytes(text, as: type, grades: grades)) == viaString, "\(text) \(type)")
          if type != .string && viaString != "invalid" && viaString != "null" { accepted += 1 }
        }
      }
      let t = ValueParser.trim(text[...])
      #expect(
        ValueParser.parseDate(t).map(Value.date)
          == ValueParser.parse(text, as: .date).flatMap(nonNull))
      #expect(
        ValueParser.parseTime(t).map(Value.time)
          == ValueParser.parse(text, as: .time).flatMap(nonNull))
      #expect(
        ValueParser.parseInteger(t).map(Value.int)
          == ValueParser.parse(text, as: .integer).flatMap(nonNull))
      #expect(
        ValueParser.parseWeekday(t).map { Value.int(Int64($0)) }
          == ValueParser.parse(text, as: .weekday).flatMap(nonNull))
      #expect(
        ValueParser.parseGrade(t, system: .fiveFour).map { Value.int(Int64($0)) }
          == ValueParser.parse(text, as: .grade, grades: .fiveFour).flatMap(nonNull))
      #expect(
        String(t) == (ValueParser.parse(text, as: .string).flatMap(nonNull)?.description ?? ""))
    }
    // The generator must reach the accepted forms, not only the rejected ones.
    #expect(accepted > 10_000, "\(accepted) typed values accepted")
  }
}

/// The code points of `text`, to name invisible characters in a failure.
private func codes(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

/// `value` unless it is null (a blank cell, which the Substring helpers report as nil).
private func nonNull(_ value: Value) -> Value? { value.isNull ? nil : value }

/// The byte entry point on `text` placed between other bytes ("9日" on both sides), so that a
/// parser reading past either end of the cell would change the result.
private func parseBytes(_ text: String, as type: ColumnType, grades: GradeSystem = .sixThree)
  -> Value?
{
  let pad = Array("9日".utf8)
  let bytes = Array(text.utf8)
  return (pad + bytes + pad).withUnsafeBufferPointer { all in
    ValueParser.parse(
      bytes: UnsafeBufferPointer(rebasing: all[pad.count..<(pad.count + bytes.count)]), as: type,
      grades: grades)
  }
}

/// The byte entry point on bytes that need not be valid UTF-8.
private func parseRaw(_ bytes: [UInt8], as type: ColumnType) -> Value? {
  bytes.withUnsafeBufferPointer { ValueParser.parse(bytes: $0, as: type) }
}

/// A value with its kind and exact spelling (a decimal keeps its scale), or "invalid".
private func show(_ value: Value?) -> String {
  switch value {
  case nil: return "invalid"
  case .null?: return "null"
  case .bool(let b)?: return "bool \(b)"
  case .int(let i)?: return "int \(i)"
  case .decimal(let d)?: return "decimal \(d)"
  case .string(let s)?: return "string \(s.debugDescription)"
  case .date(let d)?: return "date \(d)"
  case .time(let t)?: return "time \(t)"
  }
}

/// A small deterministic generator (SplitMix64), so a failure reproduces.
private struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next(below bound: Int) -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Int(z % UInt64(bound))
  }
}
