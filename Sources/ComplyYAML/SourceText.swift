// SourceText: the rule file's raw bytes seen the way libyaml counts them. libyaml marks count
// Unicode scalars (a UTF-8 byte order mark excluded) and treat CR, LF, CR LF, NEL, LS and PS as
// line breaks; this file turns those marks and libyaml's byte offsets back into file text and
// 1-based positions.

import ComplyCore

extension Unicode.Scalar {
  /// True for the characters libyaml counts as a line break.
  var isYAMLBreak: Bool {
    switch value {
    case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: return true
    default: return false
    }
  }

  /// True for a space or a tab.
  var isYAMLBlank: Bool { value == 0x20 || value == 0x09 }
}

/// A walk over decoded source text that keeps libyaml's line and column (1-based here).
struct TextCursor {
  let text: [Unicode.Scalar]
  private(set) var index: Int
  private(set) var line: Int
  private(set) var column: Int

  init(_ text: [Unicode.Scalar], line: Int, column: Int) {
    self.text = text
    self.index = 0
    self.line = line
    self.column = column
  }

  var isAtEnd: Bool { index >= text.count }
  var current: Unicode.Scalar? { isAtEnd ? nil : text[index] }

  func peek(_ distance: Int) -> Unicode.Scalar? {
    index + distance < text.count ? text[index + distance] : nil
  }

  var isAtBreak: Bool { current?.isYAMLBreak ?? false }

  /// Steps over one character; a line break (CR LF counting as one) starts a new line.
  mutating func advance() {
    guard let c = current else { return }
    if c.isYAMLBreak {
      index += (c == "\r" && peek(1) == "\n") ? 2 : 1
      line += 1
      column = 1
    } else {
      index += 1
      column += 1
    }
  }
}

/// The input bytes with a forward-moving cursor from libyaml character indexes to byte offsets.
struct SourceText {
  let bytes: [UInt8]
  let file: String
  /// Where the text starts: 3 when the file opens with a UTF-8 byte order mark, else 0.
  let bodyStart: Int
  private var cursorIndex = 0
  private var cursorByte: Int

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
    self.bodyStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    self.cursorByte = bodyStart
  }

  /// The decoded characters between two libyaml mark indexes. Marks arrive in document order,
  /// so the cursor normally only moves forward.
  mutating func scalars(from start: Int, to end: Int) -> [Unicode.Scalar] {
    let startByte = byteOffset(ofIndex: start)
    let endByte = byteOffset(ofIndex: max(start, end))
    return Array(String(decoding: bytes[startByte..<endByte], as: UTF8.self).unicodeScalars)
  }

  private mutating func byteOffset(ofIndex index: Int) -> Int {
    if index < cursorIndex {
      cursorIndex = 0
      cursorByte = bodyStart
    }
    while cursorIndex < index && cursorByte < bytes.count {
      cursorByte += 1
      while cursorByte < bytes.count && bytes[cursorByte] & 0xC0 == 0x80 { cursorByte += 1 }
      cursorIndex += 1
    }
    return cursorByte
  }

  /// The 1-based position of a byte offset (as libyaml's reader errors report them). An
  /// offset inside a multi-byte character is the position of that character.
  func location(ofByteOffset offset: Int) -> SourceLocation {
    var end = min(max(offset, bodyStart), bytes.count)
    var lead = end
    while lead > bodyStart && end - lead < 3 && bytes[lead - 1] & 0xC0 == 0x80 { lead -= 1 }
    if lead > bodyStart {
      let first = bytes[lead - 1]
      let width = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
      if end - (lead - 1) < width { end = lead - 1 }
    }
    let text = Array(String(decoding: bytes[bodyStart..<end], as: UTF8.self).unicodeScalars)
    var cursor = TextCursor(text, line: 1, column: 1)
    while !cursor.isAtEnd { cursor.advance() }
    return SourceLocation(file: file, line: cursor.line, column: cursor.column)
  }
}
