// PIIMask: how personal data (columns marked `pii: true`) is shown in reports by default.

public enum PIIMask {
  /// Masks a personal value: a name keeps its first character (张**); an identifier of eight or
  /// more characters keeps its first six and last four (110101********1234); anything shorter
  /// keeps its first character.
  public static func mask(_ text: String) -> String {
    let chars = Array(text)
    guard chars.count > 1 else { return chars.isEmpty ? "" : "*" }
    let digitsLike = chars.filter { $0.isASCII && ($0.isNumber || $0.isLetter) }.count
    if chars.count >= 11, digitsLike == chars.count {
      return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10)
        + String(chars.suffix(4))
    }
    if chars.count >= 8, digitsLike == chars.count {
      return String(chars.prefix(2)) + String(repeating: "*", count: chars.count - 4)
        + String(chars.suffix(2))
    }
    return String(chars[0]) + String(repeating: "*", count: chars.count - 1)
  }
}
