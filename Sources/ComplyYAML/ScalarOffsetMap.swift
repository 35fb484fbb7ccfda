// ScalarOffsetMap: where each Unicode scalar of a YAML scalar's value was written, so that an
// error found inside a value (an expression, say) points at its exact file column. Built by
// the parser from the scalar's raw source text; simple scalars are a fixed column shift.

public import ComplyCore

/// Maps a Unicode-scalar offset in a scalar's value to its 1-based line and column in the file.
///
/// Plain single-line scalars map directly, quoted single-line scalars without escapes map one
/// column after the opening quote. Everything else (escapes, `''`, line folding, block
/// scalars) maps by replaying libyaml's rules over the raw source text; when that replay does
/// not reproduce the value, every offset maps to the scalar's start.
public struct ScalarOffsetMap: Sendable {
  /// A stretch of the value, from value offset `offset` on, written left to right on one line.
  struct Run: Sendable, Equatable {
    var offset: Int
    var line: Int
    var column: Int
  }

  private enum Storage: Sendable {
    /// Offset k sits `shift + k` columns after the scalar's start.
    case shifted(Int)
    /// Offsets map through the last run starting at or before them; no runs: the scalar start.
    case runs([Run])
  }

  private let storage: Storage

  private init(_ storage: Storage) {
    self.storage = storage
  }

  /// Offset k sits on the scalar's line, `columns + k` columns after its start (0 for a plain
  /// scalar, 1 for a quoted one).
  public static func shifted(by columns: Int) -> ScalarOffsetMap {
    ScalarOffsetMap(.shifted(columns))
  }

  /// Every offset maps to the scalar's start (for scalars with no source text to scan).
  public static let scalarStart = ScalarOffsetMap(.runs([]))

  /// The runs behind a replayed map (nil for a shifted map), for tests.
  var runs: [Run]? {
    if case .runs(let runs) = storage { return runs }
    return nil
  }

  /// The file position of the Unicode scalar at `offset` in `scalar.value`. Offsets are
  /// clamped to `0...value.unicodeScalars.count`; the end offset is just past the last one.
  public func location(ofOffset offset: Int, in scalar: YAMLScalar) -> SourceLocation {
    let offset = min(max(offset, 0), scalar.value.unicodeScalars.count)
    switch storage {
    case .shifted(let shift):
      return scalar.location.advanced(byColumns: shift + offset)
    case .runs(let runs):
      var low = 0
      var high = runs.count
      while low < high {
        let mid = (low + high) / 2
        if runs[mid].offset <= offset { low = mid + 1 } else { high = mid }
      }
      guard low > 0 else { return scalar.location }
      let run = runs[low - 1]
      return SourceLocation(
        file: scalar.location.file, line: run.line, column: run.column + offset - run.offset)
    }
  }
}

// MARK: - Building from source text

extension ScalarOffsetMap {
  /// A 1-based line and column.
  struct Position: Equatable {
    var line: Int
    var column: Int
  }

  /// One source line of a scalar: its text without the break, and where that text starts.
  struct SourceLine {
    var text: ArraySlice<Unicode.Scalar>
    var line: Int
    var column: Int
  }

  /// The map for a scalar whose token text (from its first character, which is its opening
  /// quote or `|`/`>` indicator if any, to libyaml's end mark) is `raw`, starting at `line`
  /// and `column`.
  static func build(
    style: ScalarStyle, value: String, raw: [Unicode.Scalar], line: Int, column: Int
  ) -> ScalarOffsetMap {
    let value = Array(value.unicodeScalars)
    if !raw.contains(where: \.isYAMLBreak),
      let map = singleLine(style: style, valueLength: value.count, sourceLength: raw.count)
    {
      return map
    }
    let start = Position(line: line, column: column)
    let positions: [Position]?
    switch style {
    case .plain:
      positions = plainPositions(value, lines: sourceLines(raw, from: start), start: start)
    case .singleQuoted, .doubleQuoted:
      positions = quotedPositions(value, raw: raw, single: style == .singleQuoted, start: start)
    case .literal, .folded:
      positions = blockPositions(value, lines: sourceLines(raw, from: start), start: start)
    }
    guard let positions else { return .scalarStart }
    var runs: [Run] = []
    for (offset, position) in positions.enumerated() {
      if let last = runs.last,
        position.line == last.line && position.column == last.column + offset - last.offset
      {
        continue
      }
      runs.append(Run(offset: offset, line: position.line, column: position.column))
    }
    return ScalarOffsetMap(.runs(runs))
  }

  /// The map for a scalar written on one line, when it needs no replay: plain scalars, and
  /// quoted ones without escapes (every escape is longer in the source than in the value).
  static func singleLine(style: ScalarStyle, valueLength: Int, sourceLength: Int)
    -> ScalarOffsetMap?
  {
    switch style {
    case .plain: return .shifted(by: 0)
    case .singleQuoted, .doubleQuoted:
      return valueLength == sourceLength - 2 ? .shifted(by: 1) : nil
    case .literal, .folded: return nil
    }
  }

  /// Splits raw text at libyaml line breaks.
  static func sourceLines(_ raw: [Unicode.Scalar], from start: Position) -> [SourceLine] {
    var lines: [SourceLine] = []
    var cursor = TextCursor(raw, line: start.line, column: start.column)
    var lineStart = (index: 0, line: start.line, column: start.column)
    while !cursor.isAtEnd {
      if cursor.isAtBreak {
        lines.append(
          SourceLine(
            text: raw[lineStart.index..<cursor.index], line: lineStart.line,
            column: lineStart.column))
        cursor.advance()
        lineStart = (cursor.index, cursor.line, cursor.column)
      } else {
        cursor.advance()
      }
    }
    lines.append(
      SourceLine(text: raw[lineStart.index...], line: lineStart.line, column: lineStart.column))
    return lines
  }

  /// Multi-line plain scalars: each line's text without surrounding blanks, joined by a
  /// space or by the empty lines between them.
  private static func plainPositions(
    _ value: [Unicode.Scalar], lines: [SourceLine], start: Position
  ) -> [Position]? {
    let contents = lines.map { line in
      var line = line
      while let first = line.text.first, first.isYAMLBlank {
        line.text = line.text.dropFirst()
        line.column += 1
      }
      while let last = line.text.last, last.isYAMLBlank { line.text = line.text.dropLast() }
      return line
    }
    return align(value, contents: contents, start: start)
  }

  /// Block scalars: skip the header line, strip the content indentation and align. The
  /// indentation is taken from the first non-blank line (or the longest all-space one); an
  /// explicit indentation indicator can make it smaller, so smaller ones are tried until the
  /// value is reproduced.
  private static func blockPositions(
    _ value: [Unicode.Scalar], lines: [SourceLine], start: Position
  ) -> [Position]? {
    let content = lines.dropFirst()
    let firstText = content.first { $0.text.contains { $0 != " " } }?.text
    let widest =
      firstText.map { $0.prefix { $0 == " " }.count } ?? content.map(\.text.count).max() ?? 0
    for indent in stride(from: widest, through: 0, by: -1) {
      var contents: [SourceLine] = []
      for var line in content {
        if line.text.allSatisfy({ $0 == " " }) && line.text.count <= indent {
          line.text = line.text.prefix(0)
        } else {
          guard line.text.prefix(indent).allSatisfy({ $0 == " " }) else { break }
          line.text = line.text.dropFirst(indent)
          line.column += indent
        }
        contents.append(line)
      }
      guard contents.count == content.count else { continue }
      if let positions = align(value, contents: contents, start: start) { return positions }
    }
    return nil
  }

  /// Finds each non-empty content line in `value`, in order, allowing only the separators
  /// libyaml's folding produces between them: line breaks, or one space between two lines.
  /// Separators and trailing breaks map to the end of the preceding line's text.
  private static func align(
    _ value: [Unicode.Scalar], contents: [SourceLine], start: Position
  ) -> [Position]? {
    var positions: [Position] = []
    positions.reserveCapacity(value.count)
    var offset = 0
    var previousEnd = start
    var isFirst = true
    for line in contents where !line.text.isEmpty {
      var next = offset
      while next < value.count && isKeptBreak(value[next]) { next += 1 }
      if !value[next...].starts(with: line.text) {
        guard !isFirst, next == offset, next < value.count, value[next] == " ",
          value[(next + 1)...].starts(with: line.text)
        else { return nil }
        next += 1
      }
      positions.append(contentsOf: repeatElement(previousEnd, count: next - offset))
      for k in 0..<line.text.count {
        positions.append(Position(line: line.line, column: line.column + k))
      }
      offset = next + line.text.count
      previousEnd = Position(line: line.line, column: line.column + line.text.count)
      isFirst = false
    }
    guard value[offset...].allSatisfy(isKeptBreak) else { return nil }
    positions.append(contentsOf: repeatElement(previousEnd, count: value.count - offset))
    return positions
  }

  /// A line break as it appears in a value: LF (libyaml's rendering of LF, CR, CR LF and
  /// NEL), LS or PS.
  private static func isKeptBreak(_ c: Unicode.Scalar) -> Bool {
    c == "\n" || c == "\u{2028}" || c == "\u{2029}"
  }

  /// Quoted scalars: replays libyaml's quoted-scalar scanner (escapes, `''`, line folding,
  /// escaped line breaks) and keeps where each produced character came from.
  private static func quotedPositions(
    _ value: [Unicode.Scalar], raw: [Unicode.Scalar], single: Bool, start: Position
  ) -> [Position]? {
    let quote: Unicode.Scalar = single ? "'" : "\""
    var cursor = TextCursor(raw, line: start.line, column: start.column)
    guard cursor.current == quote else { return nil }
    cursor.advance()
    var produced: [(scalar: Unicode.Scalar, position: Position)] = []
    while true {
      var leadingBlanks = false
      while let c = cursor.current, !c.isYAMLBlank, !c.isYAMLBreak {
        let here = Position(line: cursor.line, column: cursor.column)
        if single && c == "'" && cursor.peek(1) == "'" {
          produced.append(("'", here))
          cursor.advance()
          cursor.advance()
        } else if c == quote {
          break
        } else if !single && c == "\\" && cursor.peek(1)?.isYAMLBreak == true {
          cursor.advance()
          cursor.advance()
          leadingBlanks = true
          break
        } else if !single && c == "\\" {
          guard let (scalar, length) = escape(at: cursor) else { return nil }
          produced.append((scalar, here))
          for _ in 0..<length { cursor.advance() }
        } else {
          produced.append((c, here))
          cursor.advance()
        }
      }
      guard let c = cursor.current else { return nil }
      if c == quote { break }
      var whitespace: [(scalar: Unicode.Scalar, position: Position)] = []
      var leadingBreak: (scalar: Unicode.Scalar, position: Position)?
      var trailingBreaks: [(scalar: Unicode.Scalar, position: Position)] = []
      while let c = cursor.current, c.isYAMLBlank || c.isYAMLBreak {
        let here = Position(line: cursor.line, column: cursor.column)
        if c.isYAMLBlank {
          if !leadingBlanks { whitespace.append((c, here)) }
        } else {
          let normalized: Unicode.Scalar = (c == "\r" || c == "\u{85}") ? "\n" : c
          if leadingBlanks {
            trailingBreaks.append((normalized, here))
          } else {
            whitespace = []
            leadingBreak = (normalized, here)
            leadingBlanks = true
          }
        }
        cursor.advance()
      }
      if !leadingBlanks {
        produced.append(contentsOf: whitespace)
      } else if let folded = leadingBreak, folded.scalar == "\n" {
        if trailingBreaks.isEmpty {
          produced.append((" ", folded.position))
        } else {
          produced.append(contentsOf: trailingBreaks)
        }
      } else {
        if let leadingBreak { produced.append(leadingBreak) }
        produced.append(contentsOf: trailingBreaks)
      }
    }
    guard produced.map(\.scalar) == value else { return nil }
    return produced.map(\.position)
  }

  /// The character a double-quoted escape at the cursor (on its backslash) stands for, and
  /// how many source characters it takes.
  private static func escape(at cursor: TextCursor) -> (Unicode.Scalar, Int)? {
    guard let letter = cursor.peek(1) else { return nil }
    let simple: [Unicode.Scalar: UInt32] = [
      "0": 0, "a": 7, "b": 8, "t": 9, "\t": 9, "n": 10, "v": 11, "f": 12, "r": 13, "e": 27,
      " ": 32, "\"": 34, "/": 47, "'": 39, "\\": 92, "N": 0x85, "_": 0xA0, "L": 0x2028,
      "P": 0x2029,
    ]
    if let code = simple[letter], let scalar = Unicode.Scalar(code) { return (scalar, 2) }
    let digits: Int
    switch letter {
    case "x": digits = 2
    case "u": digits = 4
    case "U": digits = 8
    default: return nil
    }
    var code: UInt32 = 0
    for k in 0..<digits {
      guard let c = cursor.peek(2 + k), let digit = Int(String(c), radix: 16) else { return nil }
      code = code * 16 + UInt32(digit)
    }
    guard let scalar = Unicode.Scalar(code) else { return nil }
    return (scalar, 2 + digits)
  }
}
