// ParsedRow and RowDecoder: turn a CSV record into typed values in the dataset's declared
// column order, reporting cells that do not parse as data findings (FindingCollector). Cells
// are parsed from the record's bytes in place; a string cell is left as its bytes (RowValues
// makes it a String when a rule first reads it as one), and only the text of a reported invalid
// cell becomes a String here. Each worker of a dataset has its own row and collector; the
// collectors are merged into reading order when the dataset ends.

import ComplyCSV
import ComplyCore
import ComplyExpr
import ComplyRules

/// A row's typed values, reused for every record of a file.
///
/// Rows, runners and collectors belong to one worker thread; like EvalFrame (see there) their
/// hot properties skip the runtime exclusivity check.
final class ParsedRow: RowValues {
  @exclusivity(unchecked) var file: String
  /// The file's index in its dataset's reading order.
  @exclusivity(unchecked) var fileIndex: Int
  @exclusivity(unchecked) var line: Int
  /// Numbers the rows a worker reads (from 0), so per-row caches know when a row is new.
  @exclusivity(unchecked) var serial = 0

  init(columnCount: Int) {
    file = ""
    fileIndex = 0
    line = 0
    super.init(count: columnCount)
  }

  init(values: [Value], file: String, fileIndex: Int = 0, line: Int) {
    self.file = file
    self.fileIndex = fileIndex
    self.line = line
    super.init(values)
  }
}

/// Collects one worker's data findings about one dataset; `merged` puts the findings of all
/// its workers in reading order and keeps at most `perColumnLimit` invalid values per file and
/// column, followed by a summary of each column over the limit.
final class FindingCollector {
  static let perColumnLimit = 20

  private struct Entry {
    var file: Int
    var line: Int
    /// The column's index in the dataset; -1 for a malformed row.
    var column: Int
    var finding: Finding
  }

  private struct CellKey: Hashable {
    var file: Int
    var column: Int
  }

  /// Findings in the order found; a worker keeps the first `perColumnLimit` invalid values of
  /// each file and column it sees, since no later one of its can be among the first overall.
  @exclusivity(unchecked) private var entries: [Entry] = []
  @exclusivity(unchecked) private var invalidCounts: [CellKey: Int] = [:]

  /// Counts an invalid cell; `text` (the cell as written) is called only for the cells kept.
  func invalidValue(
    file: String, fileIndex: Int, line: Int, columnIndex: Int, column: ColumnSpec, text: () -> String
  ) {
    let key = CellKey(file: fileIndex, column: columnIndex)
    let count = (invalidCounts[key] ?? 0) + 1
    invalidCounts[key] = count
    guard count <= Self.perColumnLimit else { return }
    let text = text()
    let shown = column.pii ? PIIMask.mask(text) : text
    entries.append(
      Entry(
        file: fileIndex, line: line, column: columnIndex,
        finding: Finding(
          code: "data.invalid-value", severity: .warning, file: file, line: line,
          column: column.name, text: shown,
          message: "'\(shown)' is not a valid \(column.type.rawValue) in column '\(column.name)'")))
  }

  func malformedRow(file: String, fileIndex: Int, line: Int, fields: Int, expected: Int) {
    entries.append(
      Entry(
        file: fileIndex, line: line, column: -1,
        finding: Finding(
          code: "data.malformed-row", severity: .error, file: file, line: line, column: nil,
          text: nil, message: "record has \(fields) fields but the header has \(expected); the row was skipped")))
  }

  /// The findings of every worker of `dataset`, in reading order: per file, by line and column,
  /// each column's summary after the file's findings when it had more than the limit.
  static func merged(_ collectors: [FindingCollector], dataset: DatasetSpec) -> [Finding] {
    var counts: [CellKey: Int] = [:]
    for c in collectors { counts.merge(c.invalidCounts, uniquingKeysWith: +) }
    let entries = collectors.flatMap(\.entries).sorted {
      ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column)
    }
    var findings: [Finding] = []
    var kept: [CellKey: Int] = [:]
    var overLimit: [CellKey] = []
    var index = 0
    while index < entries.count {
      let file = entries[index].file
      let name = entries[index].finding.file
      while index < entries.count, entries[index].file == file {
        let entry = entries[index]
        index += 1
        guard entry.column >= 0 else {
          findings.append(entry.finding)
          continue
        }
        let key = CellKey(file: file, column: entry.column)
        kept[key, default: 0] += 1
        if kept[key] == 1, counts[key, default: 0] > perColumnLimit { overLimit.append(key) }
        if kept[key]! <= perColumnLimit { findings.append(entry.finding) }
      }
      for key in overLimit {
        let column = dataset.columns[key.column].name
        findings.append(
          Finding(
            code: "data.invalid-value", severity: .warning, file: name, line: nil, column: column,
            text: nil,
            message: "column '\(column)' has \(counts[key]!) invalid values; the first \(perColumnLimit) are listed"))
      }
      overLimit.removeAll()
    }
    return findings
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

  /// Fills `row` from `record`; false when the record is malformed (reported). The row's file
  /// and file index are the caller's to set.
  func decode(_ record: BatchRecord, into row: ParsedRow, findings: FindingCollector) -> Bool {
    row.line = record.line
    guard record.count == headerCount else {
      findings.malformedRow(
        file: file, fileIndex: row.fileIndex, line: record.line, fields: record.count, expected: headerCount)
      return false
    }
    precondition(row.count == cells.count, "row made for another dataset")
    for (i, cell) in cells.enumerated() {
      guard let f = cell.field else {
        row.set(.null, at: i)
        continue
      }
      let bytes = record.field(f)
      // Text stays bytes in the batch until a rule reads it as a String.
      if cell.type == .string {
        let text = ValueParser.trim(bytes)
        if text.isEmpty { row.set(.null, at: i) } else { row.setText(text, at: i) }
        continue
      }
      if let parsed = ValueParser.parse(bytes: bytes, as: cell.type, grades: cell.grades) {
        row.set(parsed, at: i)
      } else {
        row.set(.null, at: i)
        findings.invalidValue(
          file: file, fileIndex: row.fileIndex, line: record.line, columnIndex: i,
          column: dataset.columns[i], text: { record.string(f) })
      }
    }
    return true
  }
}
