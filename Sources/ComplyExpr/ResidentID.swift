// ResidentID: the checks behind `id_valid` and `id_birth_date` — the 18-character citizen
// identification number of GB 11643-1999: 6-digit region, 8-digit birth date, 3-digit
// sequence and an ISO 7064 MOD 11-2 check character.

import ComplyCore
internal import Foundation

enum ResidentID {
  /// Weights of the first 17 digits.
  static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  /// The check character for each weighted sum modulo 11.
  static let checkCharacters = Array("10X98765432".utf8)
  /// Birth dates before this day are not plausible for a living student or teacher.
  static let earliestBirth = Day(year: 1900, month: 1, day: 1)?.ordinal ?? 0

  /// The birth date of `id` when it is a valid resident ID on `today`: 17 digits and a digit or
  /// X (either case), a real birth date from 1900 up to `today`, and a matching check character.
  static func birthDate(of id: String, today: Day) -> Day? {
    guard id.utf8.count == 18 else { return nil }
    var sum = 0
    var birth = 0
    var last: UInt8 = 0
    for (i, byte) in id.utf8.enumerated() {
      guard i < 17 else {
        last = byte
        break
      }
      guard byte >= 48 && byte <= 57 else { return nil }
      let digit = Int(byte - 48)
      sum += digit * weights[i]
      if (6..<14).contains(i) { birth = birth * 10 + digit }
    }
    let expected = checkCharacters[sum % 11]
    guard last == expected || (expected == UInt8(ascii: "X") && last == UInt8(ascii: "x")),
      let day = Day(year: birth / 10000, month: birth / 100 % 100, day: birth % 100),
      day.ordinal >= earliestBirth, day <= today
    else { return nil }
    return day
  }
}

extension Day {
  /// The current day in the local time zone.
  static func today() -> Day {
    let now = Date()
    let seconds = now.timeIntervalSince1970 + Double(TimeZone.current.secondsFromGMT(for: now))
    return Day(ordinal: Int((seconds / 86_400).rounded(.down)))
  }
}
