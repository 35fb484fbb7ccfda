// Diagnostic, DiagnosticBag and ComplyError: how every phase reports problems in a rule pack
// or an input file. Phases collect into a bag; a bag with errors becomes a ComplyError (exit 2).

/// One problem found while loading rules or reading input.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
  public var location: SourceLocation?
  public var message: String

  public init(_ message: String, at location: SourceLocation?) {
    self.message = message
    self.location = location
  }

  /// `FILE:LINE:COLUMN: message`, or the bare message when there is no location.
  public var description: String {
    guard let location else { return message }
    return "\(location): \(message)"
  }
}

/// Collects diagnostics across a phase so that one run reports all of them, sorted and capped.
public struct DiagnosticBag: Sendable {
  public private(set) var diagnostics: [Diagnostic] = []

  public init() {}

  public var isEmpty: Bool { diagnostics.isEmpty }

  public mutating func add(_ message: String, at location: SourceLocation?) {
    diagnostics.append(Diagnostic(message, at: location))
  }

  public mutating func add(_ diagnostic: Diagnostic) {
    diagnostics.append(diagnostic)
  }

  public mutating func add(contentsOf other: DiagnosticBag) {
    diagnostics.append(contentsOf: other.diagnostics)
  }

  /// Throws a `ComplyError` holding every diagnostic when there is at least one.
  public func throwIfAny() throws(ComplyError) {
    if !diagnostics.isEmpty { throw ComplyError(diagnostics) }
  }
}

/// An error that makes a check untrustworthy (exit 2). Holds one or more located diagnostics.
public struct ComplyError: Error, Sendable, CustomStringConvertible {
  /// At most this many diagnostics are printed; the rest are counted.
  public static let reportLimit = 100

  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics
  }

  public init(_ message: String, at location: SourceLocation? = nil) {
    self.diagnostics = [Diagnostic(message, at: location)]
  }

  /// Diagnostics ordered by file, line and column (unlocated ones last), without repeats.
  public var sorted: [Diagnostic] {
    var seen = Set<Diagnostic>()
    let unique = diagnostics.filter { seen.insert($0).inserted }
    return unique.enumerated().sorted { a, b in
      switch (a.element.location, b.element.location) {
      case let (x?, y?): return x == y ? a.offset < b.offset : x < y
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return a.offset < b.offset
      }
    }.map(\.element)
  }

  /// The lines printed after `comply: error: `, capped at `reportLimit`.
  public var lines: [String] {
    let all = sorted
    var out = all.prefix(Self.reportLimit).map(\.description)
    if all.count > Self.reportLimit {
      out.append("\(all.count - Self.reportLimit) more errors not shown")
    }
    return out
  }

  public var description: String { lines.joined(separator: "\n") }
}
