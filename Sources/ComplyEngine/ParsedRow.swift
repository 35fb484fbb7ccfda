// ParsedRow and RowDecoder: turn a CSV record into typed values in the dataset's declared
// column order, reporting cells that do not parse as data findings (FindingCollector). Cells
// are parsed from the record's bytes in place: only string cells, and the text of a reported
// invalid cell, become Strings.

import ComplyCSV
import ComplyCore
import ComplyExpr
import ComplyRules

/// A row's typed values, reused for every record of a file.
final class ParsedRow: RowValues {
  var values: [Value]
  var file: String
  var line: Int

  init(columnCount: Int, file: String) {
    values = Array(repeating: .null, count: columnCount)
    self.file = file
    line = 0
  }

  init(values: [Value], file: String, line: Int) {
    self.values = values
    self.file = file
    self.line = line
  }

  func value(at column: Int) -> Value { values[column] }
}

/// Collects data findings, at most `perColumnLimit` invalid values per file and column.
final class FindingCollector {
  static let perColumnLimit = 20
  var findings: [Finding] = []
  private var invalidCounts: [String: [String: Int]] = [:]
  private var invalidOrder: [(file: String, column: String)] = []

  /// Counts an invalid cell; `text` (the cell as written) is called only for the cells listed.
  func invalidValue(file: String, line: Int, column: ColumnSpec, text: () -> String) {
    let count = (invalidCounts[file]?[column.name] ?? 0) + 1
    if count == 1 { invalidOrder.append((file, column.name)) }
    invalidCounts[file, default: [:]][column.name] = count
    guard count <= Self.perColumnLimit else { return }
    let text = text()
    let shown = column.pii ? PIIMask.mask(text) : text
    findings.append(
      Finding(
        code: "data.invalid-value", severity: .warning, file: file, line: line,
        column: column.name, text: shown,
        message: "'\(shown)' is not a valid \(column.type.rawValue) in column '\(column.name)'"))
  }

  func malformedRow(file: String, line: Int, fields: Int, expected: Int) {
    findings.append(
      Finding(
        code: "data.malformed-row", severity: .error, file: file, line: line, column: nil,
        text: nil, message: "record has \(fields) fields but the header has \(expected); the row was skipped"))
  }

  /// Adds one summary finding per column whose invalid values exceeded the limit.
  func summarize(file: String) {
    for (f, column) in invalidOrder where f == file {
      guard let count = invalidCounts[file]?[column], count > Self.perColumnLimit else { continue }
      findings.append(
        Finding(
          code: "data.invalid-value", severity: .warning, file: file, line: nil, column: column,
          text: nil,
          message: "column '\(column)' has \(count) invalid values; the first \(Self.perColumnLimit) are listed"))
    }
  }
}

/// Maps a file's header to the dataset's columns and decodes records.
struct RowDecoder {
  let dataset: DatasetSpec
  let file: String
  let headerCount: Int
  /// What decoding needs of each declared column, in declaration order: plain values, so the
  /// row loop copies (and retains) nothing of the ColumnSpecs.
  private let cells: [Cell]

  private struct Cell {
    /// Field index in the file, or nil when the file lacks the column.
    let field: Int?
    let type: ColumnType
    let grades: GradeSystem
  }

  /// Matches headers to columns and aliases; a missing required column is an error naming the
  /// closest header.
  init(dataset: DatasetSpec, header: [String], headerLine: Int, file: String) throws(ComplyError) {
    self.dataset = dataset
    self.file = file
    headerCount = header.count
    var cells: [Cell] = []
    var errors = DiagnosticBag()
    for column in dataset.columns {
      let names = [column.name] + column.aliases
      let index = header.firstIndex { names.contains($0) }
      // An empty file is a dataset with no rows (SPEC §2.1): it has no header to check.
      if index == nil, column.required, !header.isEmpty {
        let closest = Suggestion.closest(to: column.name, in: header) ?? header[0]
        errors.add(
          "required column '\(column.name)' of dataset '\(dataset.name)' is missing; closest header is '\(closest)'",
          at: SourceLocation(file: file, line: headerLine, column: 1))
      }
      cells.append(Cell(field: index, type: column.type, grades: column.grades))
    }
    try errors.throwIfAny()
    self.cells = cells
  }

  /// Fills `row` from `record`; false when the record is malformed (reported).
  func decode(_ record: CSVRecord, into row: ParsedRow, findings: FindingCollector) -> Bool {
    row.line = record.line
    guard record.count == headerCount else {
      findings.malformedRow(file: file, line: record.line, fields: record.count, expected: headerCount)
      return false
    }
    // One uniqueness and exclusivity check per row instead of one per cell.
    row.values.withUnsafeMutableBufferPointer { values in
      precondition(values.count == cells.count, "row made for another dataset")
      for (i, cell) in cells.enumerated() {
        guard let f = cell.field else {
          values[i] = .null
          continue
        }
        let parsed = record.withField(f) {
          ValueParser.parse(bytes: $0, as: cell.type, grades: cell.grades)
        }
        if let parsed {
          values[i] = parsed
        } else {
          values[i] = .null
          findings.invalidValue(
            file: file, line: record.line, column: dataset.columns[i], text: { record.string(f) })
        }
      }
    }
    return true
  }
}
