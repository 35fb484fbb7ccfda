// XMLEscaping: text made safe for XML 1.0 element content and attribute values — the five
// markup characters as entities, CR (and, in attributes, LF and TAB) as character references
// so that parsers keep them, and characters XML 1.0 forbids (most C0 controls, U+FFFE,
// U+FFFF) dropped, since no escape can carry them.

/// Escaping for the XML reports (JUnit).
enum XMLEscaping {
  /// `text` as element content.
  static func text(_ text: String) -> String {
    escape(text, inAttribute: false)
  }

  /// `text` as a double- or single-quoted attribute value.
  static func attribute(_ text: String) -> String {
    escape(text, inAttribute: true)
  }

  /// Whether XML 1.0 allows `scalar` in a document at all (its `Char` production).
  static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x9, 0xA, 0xD: return true
    case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
    default: return false
    }
  }

  private static func escape(_ text: String, inAttribute: Bool) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars where isAllowed(scalar) {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\r": out += "&#13;"
      case "\n" where inAttribute: out += "&#10;"
      case "\t" where inAttribute: out += "&#9;"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
