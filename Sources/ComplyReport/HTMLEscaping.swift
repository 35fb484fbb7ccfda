// HTMLEscaping: the one way user text enters the HTML report — as inert character data, the
// same in element content, in double-quoted attribute values and inside inline SVG.

enum HTMLEscaping {
  /// `& < > " '` as character references, so that no value can open a tag, close an
  /// attribute or start an entity. Control characters HTML does not allow (all C0 but tab, LF
  /// and CR, and DEL) become U+FFFD.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      case let c where c.value < 0x20 || c.value == 0x7F: out += "\u{FFFD}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
