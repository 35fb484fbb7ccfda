// ColumnType and the text forms each type accepts (SPEC §2.1). The single place where a cell's
// text becomes a typed Value, used for CSV cells, rule examples and literals alike.

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
  /// Characters trimmed from both ends of every cell: ASCII white space, NBSP, ideographic space.
  static func isTrimmed(_ c: Unicode.Scalar) -> Bool {
    c == " " || c == "\t" || c == "\r" || c == "\n" || c == "\u{00A0}" || c == "\u{3000}"
      || c == "\u{FEFF}"
  }

  public static func trim(_ text: Substring) -> Substring {
    let scalars = text.unicodeScalars
    var start = scalars.startIndex
    var end = scalars.endIndex
    while start < end, isTrimmed(scalars[start]) { start = scalars.index(after: start) }
    while end > start, isTrimmed(scalars[scalars.index(before: end)]) {
      end = scalars.index(before: end)
    }
    return Substring(scalars[start..<end])
  }

  /// The typed value of `text`: `.null` for an empty (or blank) cell, nil when it does not parse.
  public static func parse(_ text: String, as type: ColumnType, grades: GradeSystem = .sixThree)
    -> Value?
  {
    let t = trim(text[...])
    if t.isEmpty { return .null }
    switch type {
    case .string: return .string(String(t))
    case .integer: return parseInteger(t).map(Value.int)
    case .decimal: return ExactDecimal(parsing: String(t)).map(Value.decimal)
    case .date: return parseDate(t).map(Value.date)
    case .month: return parseMonth(t).map(Value.date)
    case .time: return parseTime(t).map(Value.time)
    case .boolean: return parseBoolean(t).map(Value.bool)
    case .weekday: return parseWeekday(t).map { Value.int(Int64($0)) }
    case .grade: return parseGrade(t, system: grades).map { Value.int(Int64($0)) }
    }
  }

  // MARK: - Numbers

  public static func parseInteger(_ t: Substring) -> Int64? {
    var body = t
    var negative = false
    if let first = body.first, first == "-" || first == "+" {
      negative = first == "-"
      body = body.dropFirst()
    }
    guard !body.isEmpty, body.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let v = Int64(body)
    else { return nil }
    return negative ? -v : v
  }

  /// Splits `t` into runs of ASCII digits and the separators between them.
  static func digitRuns(_ t: Substring) -> (numbers: [Substring], separators: [Substring]) {
    var numbers: [Substring] = []
    var separators: [Substring] = []
    var i = t.startIndex
    var sepStart = i
    while i < t.endIndex {
      if t[i].isASCII, t[i].isNumber {
        separators.append(t[sepStart..<i])
        let start = i
        while i < t.endIndex, t[i].isASCII, t[i].isNumber { i = t.index(after: i) }
        numbers.append(t[start..<i])
        sepStart = i
      } else {
        i = t.index(after: i)
      }
    }
    separators.append(t[sepStart..<t.endIndex])
    return (numbers, separators)
  }

  // MARK: - Dates and times

  /// `2020-09-01`, `2020/9/1`, `2020.9.1`, `2020年9月1日`, `20200901`.
  public static func parseDate(_ t: Substring) -> Day? {
    let (n, s) = digitRuns(t)
    if n.count == 1, s[0].isEmpty, s[1].isEmpty, n[0].count == 8, let v = Int(n[0]) {
      return Day(year: v / 10000, month: v / 100 % 100, day: v % 100)
    }
    guard n.count == 3, n[0].count == 4, (1...2).contains(n[1].count), (1...2).contains(n[2].count),
      s[0].isEmpty
    else { return nil }
    let separators = [s[1], s[2], s[3]]
    let accepted: [[Substring]] = [["-", "-", ""], ["/", "/", ""], [".", ".", ""], ["年", "月", "日"]]
    guard accepted.contains(separators), let y = Int(n[0]), let m = Int(n[1]), let d = Int(n[2])
    else { return nil }
    return Day(year: y, month: m, day: d)
  }

  /// `202009`, `2020-09`, `2020/9`, `2020.9`, `2020年9月`: the first day of that month.
  public static func parseMonth(_ t: Substring) -> Day? {
    let (n, s) = digitRuns(t)
    if n.count == 1, s[0].isEmpty, s[1].isEmpty, n[0].count == 6, let v = Int(n[0]) {
      return Day(year: v / 100, month: v % 100, day: 1)
    }
    guard n.count == 2, n[0].count == 4, (1...2).contains(n[1].count), s[0].isEmpty else {
      return nil
    }
    let accepted: [[Substring]] = [["-", ""], ["/", ""], [".", ""], ["年", "月"]]
    guard accepted.contains([s[1], s[2]]), let y = Int(n[0]), let m = Int(n[1]) else { return nil }
    return Day(year: y, month: m, day: 1)
  }

  /// `8:00`, `08:00`, `08:00:00`.
  public static func parseTime(_ t: Substring) -> TimeOfDay? {
    let parts = t.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 || parts.count == 3,
      (1...2).contains(parts[0].count),
      parts.dropFirst().allSatisfy({ $0.count == 2 }),
      parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
      let h = Int(parts[0]), let m = Int(parts[1])
    else { return nil }
    let s = parts.count == 3 ? Int(parts[2]) ?? -1 : 0
    return TimeOfDay(hour: h, minute: m, second: s)
  }

  // MARK: - Booleans, weekdays, grades

  /// 是/否, true/false, yes/no, 1/0, Y/N, √/×.
  public static func parseBoolean(_ t: Substring) -> Bool? {
    switch t.lowercased() {
    case "是", "true", "yes", "1", "y", "√": return true
    case "否", "false", "no", "0", "n", "×": return false
    default: return nil
    }
  }

  static let chineseDigits: [Character: Int] = [
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
  ]
  static let weekdayNames: [String: Int] = {
    var names: [String: Int] = [:]
    let english = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    let chinese = ["一", "二", "三", "四", "五", "六", "日"]
    for i in 0..<7 {
      names[english[i]] = i + 1
      names[full[i]] = i + 1
      names[String(i + 1)] = i + 1
      for prefix in ["", "周", "星期"] { names[prefix + chinese[i]] = i + 1 }
    }
    names["天"] = 7
    names["周天"] = 7
    names["星期天"] = 7
    return names
  }()

  /// 1–7 (1 = Monday), 一…日, 周一…周日, 星期一…星期日 (星期天, 周天), Mon…Sun.
  public static func parseWeekday(_ t: Substring) -> Int? {
    weekdayNames[t.lowercased()]
  }

  /// 1–12, 一年级…十二年级, `7年级`, 初一…初三 (初四 under 五四制), 高一…高三.
  public static func parseGrade(_ t: Substring, system: GradeSystem) -> Int? {
    if let n = parseInteger(t) { return (1...12).contains(n) ? Int(n) : nil }
    if t.hasSuffix("年级") {
      let body = t.dropLast(2)
      if let n = parseInteger(body) { return (1...12).contains(n) ? Int(n) : nil }
      return chineseNumber(body).flatMap { (1...12).contains($0) ? $0 : nil }
    }
    guard t.count == 2, let stage = t.first, let last = t.last, let n = chineseDigits[last] else {
      return nil
    }
    switch (stage, system) {
    case ("初", .sixThree) where n <= 3: return 6 + n
    case ("初", .fiveFour) where n <= 4: return 5 + n
    case ("高", _) where n <= 3: return 9 + n
    default: return nil
    }
  }

  /// 一 … 九, 十, 十一, 十二.
  static func chineseNumber(_ t: Substring) -> Int? {
    if t.count == 1, let c = t.first { return c == "十" ? 10 : chineseDigits[c] }
    if t.count == 2, t.first == "十", let c = t.last, let n = chineseDigits[c] { return 10 + n }
    return nil
  }
}
