// ColumnType and the text forms each type accepts (SPEC §2.1). The single place where a cell's
// text becomes a typed Value, used for CSV cells, rule examples and literals alike. Every form
// is read from UTF-8 bytes without allocating (a CSV cell is parsed in place in the reader's
// buffer); the String and Substring entry points hand their UTF-8 to the same byte parsers, so
// there is one implementation of each form.

/// The declared type of a dataset column.
public enum ColumnType: String, CaseIterable, Sendable {
  case string, integer, decimal, date, month, time, boolean, weekday, grade
}

/// How grade names map to numbers: 六三制 (初一 = 7) or 五四制 (初一 = 6, 初四 = 9).
public enum GradeSystem: String, Sendable {
  case sixThree = "6-3"
  case fiveFour = "5-4"
}

/// Parses cell text into typed values.
public enum ValueParser {
  /// The typed value of `text`: `.null` for an empty (or blank) cell, nil when it does not parse.
  public static func parse(_ text: String, as type: ColumnType, grades: GradeSystem = .sixThree)
    -> Value?
  {
    var text = text
    return text.withUTF8 { parse(bytes: $0, as: type, grades: grades) }
  }

  /// The typed value of a cell's UTF-8 bytes: `.null` for an empty (or blank) cell, nil when it
  /// does not parse. Only a `string` cell allocates (its String, made once from trimmed bytes).
  public static func parse(
    bytes: UnsafeBufferPointer<UInt8>, as type: ColumnType, grades: GradeSystem = .sixThree
  ) -> Value? {
    let t = trim(bytes)
    if t.isEmpty { return .null }
    switch type {
    case .string: return .string(String(decoding: t, as: UTF8.self))
    case .integer: return parseInteger(bytes: t).map(Value.int)
    case .decimal: return ExactDecimal.parse(t).map(Value.decimal)
    case .date: return parseDate(bytes: t).map(Value.date)
    case .month: return parseMonth(bytes: t).map(Value.date)
    case .time: return parseTime(bytes: t).map(Value.time)
    case .boolean: return parseBoolean(bytes: t).map(Value.bool)
    case .weekday: return parseWeekday(bytes: t).map { Value.int(Int64($0)) }
    case .grade: return parseGrade(bytes: t, system: grades).map { Value.int(Int64($0)) }
    }
  }

  // MARK: - Trimming

  /// `text` without the characters trimmed from every cell (see `trim(_:)` on bytes).
  public static func trim(_ text: Substring) -> Substring {
    let range = withBytes(text) { trimmedRange($0) }
    let utf8 = text.utf8
    let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
    let end = utf8.index(utf8.startIndex, offsetBy: range.upperBound)
    return Substring(text.unicodeScalars[start..<end])
  }

  /// `bytes` without the characters trimmed from both ends of every cell: ASCII space, tab, CR
  /// and LF, NBSP (C2 A0), the ideographic space U+3000 (E3 80 80) and a BOM (EF BB BF).
  public static func trim(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: bytes[trimmedRange(bytes)])
  }

  /// The range of `b` left by `trim`. C2, E3 and EF are lead bytes, never continuation bytes,
  /// so a match at either end is always a whole character, even in malformed UTF-8.
  static func trimmedRange(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
    var start = 0
    var end = b.count
    while start < end {
      let n: Int
      switch b[start] {
      case 0x20, 0x09, 0x0D, 0x0A: n = 1
      case 0xC2: n = end - start >= 2 && b[start + 1] == 0xA0 ? 2 : 0
      case 0xE3: n = end - start >= 3 && b[start + 1] == 0x80 && b[start + 2] == 0x80 ? 3 : 0
      case 0xEF: n = end - start >= 3 && b[start + 1] == 0xBB && b[start + 2] == 0xBF ? 3 : 0
      default: n = 0
      }
      if n == 0 { break }
      start += n
    }
    while end > start {
      let n: Int
      switch b[end - 1] {
      case 0x20, 0x09, 0x0D, 0x0A: n = 1
      case 0xA0: n = end - start >= 2 && b[end - 2] == 0xC2 ? 2 : 0
      case 0x80: n = end - start >= 3 && b[end - 3] == 0xE3 && b[end - 2] == 0x80 ? 3 : 0
      case 0xBF: n = end - start >= 3 && b[end - 3] == 0xEF && b[end - 2] == 0xBB ? 3 : 0
      default: n = 0
      }
      if n == 0 { break }
      end -= n
    }
    return start..<end
  }

  /// Calls `body` with the UTF-8 of `text`, in place for a native string.
  static func withBytes<R>(_ text: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    var text = text
    return text.withUTF8(body)
  }

  // MARK: - Reading bytes

  /// The run of ASCII digits starting at `i`, which moves past it: its value (meaningful only
  /// for the short runs the forms allow; wrapping keeps a long run from trapping) and length.
  @inline(__always)
  static func digitRun(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int)
    -> (value: Int, length: Int)
  {
    let start = i
    var value = 0
    while i < b.count {
      let d = b[i] &- 48
      if d > 9 { break }
      value = value &* 10 &+ Int(d)
      i += 1
    }
    return (value, i - start)
  }

  /// The code point of the character at `i`, which moves past it; nil at the end, on a stray
  /// continuation byte and on a truncated or overlong sequence. Rejecting overlong forms is the
  /// check that matters: every character a form accepts then has exactly one spelling in bytes,
  /// so malformed input never passes for one. Three CJK compatibility ideographs come back as
  /// the characters they are canonically equivalent to (U+F98E 年, U+F9D1 六, U+2F83F 周): the
  /// forms were first matched with String comparison, which treats them as equal.
  @inline(__always)
  static func scalar(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt32? {
    guard i < b.count else { return nil }
    let lead = UInt32(b[i])
    let length: Int
    var code: UInt32
    switch lead {
    case 0..<0x80:
      i += 1
      return lead
    case 0xC0..<0xE0: (length, code) = (2, lead & 0x1F)
    case 0xE0..<0xF0: (length, code) = (3, lead & 0x0F)
    case 0xF0..<0xF8: (length, code) = (4, lead & 0x07)
    default: return nil
    }
    guard b.count - i >= length else { return nil }
    for k in 1..<length {
      let c = UInt32(b[i + k])
      guard c & 0xC0 == 0x80 else { return nil }
      code = code << 6 | c & 0x3F
    }
    let smallest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x1_0000
    guard code >= smallest else { return nil }
    i += length
    switch code {
    case 0xF98E: return 0x5E74  // 年
    case 0xF9D1: return 0x516D  // 六
    case 0x2F83F: return 0x5468  // 周
    default: return code
    }
  }

  /// Whether `b` spells `word` (lowercase ASCII) in any letter case.
  static func spells(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
    guard b.count == word.utf8CodeUnitCount else { return false }
    let w = word.utf8Start
    for k in 0..<b.count {
      let c = b[k]
      if (c >= 65 && c <= 90 ? c | 0x20 : c) != w[k] { return false }
    }
    return true
  }

  // The separators of the date, month and time forms.
  static let hyphen: UInt32 = 0x2D  // -
  static let slash: UInt32 = 0x2F  // /
  static let dot: UInt32 = 0x2E  // .
  static let colon: UInt8 = 0x3A  // :
  static let nian: UInt32 = 0x5E74  // 年
  static let yue: UInt32 = 0x6708  // 月
  static let ri: UInt32 = 0x65E5  // 日

  // MARK: - Numbers

  /// `12`, `-3`, `+4`: ASCII digits with an optional sign, within Int64.
  public static func parseInteger(_ t: Substring) -> Int64? {
    withBytes(t) { parseInteger(bytes: $0) }
  }

  static func parseInteger(bytes b: UnsafeBufferPointer<UInt8>) -> Int64? {
    var i = 0
    var negative = false
    if let first = b.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
      negative = first == UInt8(ascii: "-")
      i = 1
    }
    guard i < b.count else { return nil }
    var value: Int64 = 0
    while i < b.count {
      let d = b[i] &- 48
      guard d <= 9 else { return nil }
      let (times10, o1) = value.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times10.addingReportingOverflow(Int64(d))
      guard !o1, !o2 else { return nil }
      value = sum
      i += 1
    }
    return negative ? -value : value
  }

  // MARK: - Dates and times

  /// `2020-09-01`, `2020/9/1`, `2020.9.1`, `2020年9月1日`, `20200901`.
  public static func parseDate(_ t: Substring) -> Day? {
    withBytes(t) { parseDate(bytes: $0) }
  }

  static func parseDate(bytes b: UnsafeBufferPointer<UInt8>) -> Day? {
    parseISODate(bytes: b) ?? parseAnyDateForm(bytes: b)
  }

  /// `YYYY-MM-DD`, the form most exports write, read by position; nil for any other text (and
  /// for a day that does not exist), which `parseAnyDateForm` reads or rejects. It skips the
  /// digit runs and the separators' decoding as characters.
  /// `FEE-FUTURE-DATE` over 1M fee rows: `parseDate` 2.0–2.5 % → 0.9 % of the perf samples;
  /// 10M rows, `--jobs 1`: 0.07 user s less on average over 16 alternating pairs (9 faster),
  /// within the run-to-run noise.
  @inline(__always)
  static func parseISODate(bytes b: UnsafeBufferPointer<UInt8>) -> Day? {
    guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
    let y0 = b[0] &- 48, y1 = b[1] &- 48, y2 = b[2] &- 48, y3 = b[3] &- 48
    let m0 = b[5] &- 48, m1 = b[6] &- 48, d0 = b[8] &- 48, d1 = b[9] &- 48
    guard y0 <= 9, y1 <= 9, y2 <= 9, y3 <= 9, m0 <= 9, m1 <= 9, d0 <= 9, d1 <= 9 else { return nil }
    return Day(
      year: Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3),
      month: Int(m0) * 10 + Int(m1), day: Int(d0) * 10 + Int(d1))
  }

  /// Every written form `parseDate` accepts.
  static func parseAnyDateForm(bytes b: UnsafeBufferPointer<UInt8>) -> Day? {
    var i = 0
    let year = digitRun(b, &i)
    if i == b.count {
      guard year.length == 8 else { return nil }
      let v = year.value
      return Day(year: v / 10000, month: v / 100 % 100, day: v % 100)
    }
    guard year.length == 4, let s1 = scalar(b, &i) else { return nil }
    let month = digitRun(b, &i)
    guard (1...2).contains(month.length), let s2 = scalar(b, &i) else { return nil }
    let day = digitRun(b, &i)
    guard (1...2).contains(day.length) else { return nil }
    let s3 = scalar(b, &i)
    guard i == b.count else { return nil }
    switch (s1, s2, s3) {
    case (hyphen, hyphen, nil), (slash, slash, nil), (dot, dot, nil), (nian, yue, ri): break
    default: return nil
    }
    return Day(year: year.value, month: month.value, day: day.value)
  }

  /// `202009`, `2020-09`, `2020/9`, `2020.9`, `2020年9月`: the first day of that month.
  static func parseMonth(bytes b: UnsafeBufferPointer<UInt8>) -> Day? {
    var i = 0
    let year = digitRun(b, &i)
    if i == b.count {
      guard year.length == 6 else { return nil }
      return Day(year: year.value / 100, month: year.value % 100, day: 1)
    }
    guard year.length == 4, let s1 = scalar(b, &i) else { return nil }
    let month = digitRun(b, &i)
    guard (1...2).contains(month.length) else { return nil }
    let s2 = scalar(b, &i)
    guard i == b.count else { return nil }
    switch (s1, s2) {
    case (hyphen, nil), (slash, nil), (dot, nil), (nian, yue): break
    default: return nil
    }
    return Day(year: year.value, month: month.value, day: 1)
  }

  /// `8:00`, `08:00`, `08:00:00`.
  public static func parseTime(_ t: Substring) -> TimeOfDay? {
    withBytes(t) { parseTime(bytes: $0) }
  }

  static func parseTime(bytes b: UnsafeBufferPointer<UInt8>) -> TimeOfDay? {
    var i = 0
    let hour = digitRun(b, &i)
    guard (1...2).contains(hour.length), i < b.count, b[i] == colon else { return nil }
    i += 1
    let minute = digitRun(b, &i)
    guard minute.length == 2 else { return nil }
    var second = 0
    if i < b.count {
      guard b[i] == colon else { return nil }
      i += 1
      let s = digitRun(b, &i)
      guard s.length == 2, i == b.count else { return nil }
      second = s.value
    }
    return TimeOfDay(hour: hour.value, minute: minute.value, second: second)
  }

  // MARK: - Booleans, weekdays, grades

  /// 是/否, true/false, yes/no, 1/0, Y/N, √/× (any case).
  static func parseBoolean(bytes b: UnsafeBufferPointer<UInt8>) -> Bool? {
    var i = 0
    if let c = scalar(b, &i), i == b.count {
      switch c {
      case 0x662F, 0x221A, 0x31, 0x59, 0x79: return true  // 是 √ 1 Y y
      case 0x5426, 0xD7, 0x30, 0x4E, 0x6E: return false  // 否 × 0 N n
      default: return nil
      }
    }
    if spells(b, "true") || spells(b, "yes") { return true }
    if spells(b, "false") || spells(b, "no") { return false }
    return nil
  }

  /// 一 … 九 as 1 … 9.
  static func chineseDigit(_ c: UInt32) -> Int? {
    switch c {
    case 0x4E00: return 1  // 一
    case 0x4E8C: return 2  // 二
    case 0x4E09: return 3  // 三
    case 0x56DB: return 4  // 四
    case 0x4E94: return 5  // 五
    case 0x516D: return 6  // 六
    case 0x4E03: return 7  // 七
    case 0x516B: return 8  // 八
    case 0x4E5D: return 9  // 九
    default: return nil
    }
  }

  static let englishWeekdays: [(short: StaticString, full: StaticString)] = [
    ("mon", "monday"), ("tue", "tuesday"), ("wed", "wednesday"), ("thu", "thursday"),
    ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
  ]

  /// 1–7 (1 = Monday), 一…日, 周一…周日, 星期一…星期日 (星期天, 周天), Mon…Sun.
  public static func parseWeekday(_ t: Substring) -> Int? {
    withBytes(t) { parseWeekday(bytes: $0) }
  }

  static func parseWeekday(bytes b: UnsafeBufferPointer<UInt8>) -> Int? {
    if b.count == 1 {
      let d = Int(b[0]) - 48
      return (1...7).contains(d) ? d : nil
    }
    for (n, name) in englishWeekdays.enumerated()
    where spells(b, name.short) || spells(b, name.full) {
      return n + 1
    }
    // An optional 周 or 星期, then exactly one of 一…六, 日, 天.
    var i = 0
    var c = scalar(b, &i)
    if c == 0x5468 {  // 周
      c = scalar(b, &i)
    } else if c == 0x661F {  // 星
      guard scalar(b, &i) == 0x671F else { return nil }  // 期
      c = scalar(b, &i)
    }
    guard let c, i == b.count else { return nil }
    if c == ri || c == 0x5929 { return 7 }  // 日, 天
    return chineseDigit(c).flatMap { $0 <= 6 ? $0 : nil }
  }

  /// 1–12, 一年级…十二年级, `7年级`, 初一…初三 (初四 under 五四制), 高一…高三.
  public static func parseGrade(_ t: Substring, system: GradeSystem) -> Int? {
    withBytes(t) { parseGrade(bytes: $0, system: system) }
  }

  static func parseGrade(bytes b: UnsafeBufferPointer<UInt8>, system: GradeSystem) -> Int? {
    if let n = parseInteger(bytes: b) { return (1...12).contains(n) ? Int(n) : nil }
    // 年级 is six bytes; 年 and its compatibility form U+F98E are both three.
    if b.count >= 6 {
      var i = b.count - 6
      if scalar(b, &i) == nian, scalar(b, &i) == 0x7EA7 {  // 级
        let body = UnsafeBufferPointer(rebasing: b[..<(b.count - 6)])
        if let n = parseInteger(bytes: body) { return (1...12).contains(n) ? Int(n) : nil }
        return chineseNumber(bytes: body).flatMap { (1...12).contains($0) ? $0 : nil }
      }
    }
    var i = 0
    guard let stage = scalar(b, &i), let last = scalar(b, &i), i == b.count,
      let n = chineseDigit(last)
    else { return nil }
    switch (stage, system) {
    case (0x521D, .sixThree) where n <= 3: return 6 + n  // 初
    case (0x521D, .fiveFour) where n <= 4: return 5 + n
    case (0x9AD8, _) where n <= 3: return 9 + n  // 高
    default: return nil
    }
  }

  /// 一 … 九, 十, 十一, 十二 (and on to 十九, which no grade reaches).
  static func chineseNumber(bytes b: UnsafeBufferPointer<UInt8>) -> Int? {
    let ten: UInt32 = 0x5341  // 十
    var i = 0
    guard let first = scalar(b, &i) else { return nil }
    if i == b.count { return first == ten ? 10 : chineseDigit(first) }
    guard first == ten, let second = scalar(b, &i), i == b.count, let n = chineseDigit(second)
    else { return nil }
    return 10 + n
  }
}
