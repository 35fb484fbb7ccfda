// MarkdownEscaping: the one way user text enters the Markdown report — as literal text that
// can neither break a table row nor become markup, links, maths or raw HTML in CommonMark,
// GitHub-flavoured Markdown or the common viewers built on them.

enum MarkdownEscaping {
  /// Text for a table cell, heading or list item: one line; `\` `` ` `` `*` `_` `|` `[` `]`
  /// `#` `~` `$` backslash-escaped; `& < >` as entities (a raw `<` would start HTML); line
  /// breaks and tabs as spaces; other control characters as U+FFFD.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\\", "`", "*", "_", "|", "[", "]", "#", "~", "$":
        out += "\\"
        out.unicodeScalars.append(scalar)
      case "\t", "\n", "\r": out += " "
      case let c where c.value < 0x20 || c.value == 0x7F: out += "\u{FFFD}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// A code span holding `text` verbatim on one line: fenced with more backticks than any run
  /// inside it. Not for table cells, where a `|` inside would still end the cell.
  static func code(_ raw: String) -> String {
    let text = String(raw.map { $0.isNewline ? " " : $0 })
    var longest = 0
    var run = 0
    for c in text {
      run = c == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
    return fence + pad + text + pad + fence
  }
}
