// SourceLocation: a 1-based file:line:column position, the one way every module points at
// the user's YAML or CSV text. Also the tool's version, which every report records.

/// The version of comply, as reports and `--version` show it.
public enum ComplyVersion {
  public static let current = "0.1.0"
}

/// A position in a user's file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// The same file, `count` columns further on the same line.
  public func advanced(byColumns count: Int) -> SourceLocation {
    SourceLocation(file: file, line: line, column: column + count)
  }

  public var description: String { "\(file):\(line):\(column)" }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.file, a.line, a.column) < (b.file, b.line, b.column)
  }
}
