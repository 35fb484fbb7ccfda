// Day and TimeOfDay: the calendar values of `date`, `month` and `time` columns, as plain
// integers so that comparisons, hashing and `date - date` are exact and allocation-free.

/// A proleptic Gregorian calendar day, stored as days since 1970-01-01.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var ordinal: Int

  public init(ordinal: Int) { self.ordinal = ordinal }

  /// A valid calendar date, or nil (`2021-02-29` is nil).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month),
      day >= 1, day <= Day.daysIn(month: month, year: year)
    else { return nil }
    // Days from civil, after H. Hinnant's public-domain algorithm.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    ordinal = era * 146097 + doe - 719468
  }

  public static func isLeap(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// (year, month, day) of this date.
  public var components: (year: Int, month: Int, day: Int) {
    let z = ordinal + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  /// ISO weekday: 1 = Monday … 7 = Sunday.
  public var weekday: Int {
    // 1970-01-01 was a Thursday (4).
    let w = (ordinal % 7 + 7) % 7
    return (w + 3) % 7 + 1
  }

  public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

  public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

  /// `YYYY-MM-DD`.
  public var description: String {
    let (y, m, d) = components
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
  }
}

/// A time of day in seconds since midnight.
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var seconds: Int

  public init(seconds: Int) { self.seconds = seconds }

  public init?(hour: Int, minute: Int, second: Int = 0) {
    guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else {
      return nil
    }
    seconds = hour * 3600 + minute * 60 + second
  }

  public var minutes: Int { seconds / 60 }

  public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.seconds < b.seconds }

  /// `HH:MM`, or `HH:MM:SS` when seconds are set.
  public var description: String {
    let h = seconds / 3600
    let m = seconds / 60 % 60
    let s = seconds % 60
    return s == 0 ? "\(pad(h, 2)):\(pad(m, 2))" : "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2))"
  }
}

func pad(_ n: Int, _ width: Int) -> String {
  let s = String(n)
  return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
