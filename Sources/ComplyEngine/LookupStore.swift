// LookupStore: datasets that rules look into — joined tables hashed on their join keys, value
// sets for `x in dataset.column`, and the rows behind expected groups. Each is loaded once per
// check, before the streaming pass, and shared by every rule.

import ComplyCore
import ComplyExpr
import ComplyRules

/// The rows of one lookup dataset, with hash indexes built on demand.
final class LookupTable {
  let dataset: DatasetSpec
  let rows: [ParsedRow]
  private var indexes: [[Int]: [[Value]: Int]] = [:]
  private var sets: [Int: Set<Value>] = [:]

  init(dataset: DatasetSpec, rows: [ParsedRow]) {
    self.dataset = dataset
    self.rows = rows
  }

  /// A unique index on `columns`; a duplicate key is an error naming both lines. Rows with a
  /// null key part are left out (they can never match).
  func index(on columns: [Int]) throws(ComplyError) -> [[Value]: Int] {
    if let existing = indexes[columns] { return existing }
    var index: [[Value]: Int] = [:]
    for (i, row) in rows.enumerated() {
      let key = columns.map { row.values[$0] }
      if key.contains(where: \.isNull) { continue }
      if let first = index[key] {
        let names = columns.map { dataset.columns[$0].name }.joined(separator: ", ")
        let shown = key.map(\.description).joined(separator: ", ")
        let other = rows[first]
        throw ComplyError(
          "duplicate key (\(shown)) on (\(names)) in dataset '\(dataset.name)': lines \(other.line) and \(row.line)\(other.file == row.file ? "" : " of '\(other.file)'")",
          at: SourceLocation(file: row.file, line: row.line, column: 1))
      }
      index[key] = i
    }
    indexes[columns] = index
    return index
  }

  /// The non-null values of a column.
  func valueSet(_ column: Int) -> Set<Value> {
    if let s = sets[column] { return s }
    let s = Set(rows.map { $0.values[column] }.filter { !$0.isNull })
    sets[column] = s
    return s
  }
}

/// Every lookup table of a check, by dataset name.
struct LookupStore {
  var tables: [String: LookupTable] = [:]

  /// A rule's view of the store: its join indexes and value sets, resolved once.
  func bind(_ rule: CompiledRule) throws(ComplyError) -> BoundLookups {
    var joins: [(index: [[Value]: Int], table: LookupTable)] = []
    for join in rule.joins {
      guard let table = tables[join.dataset] else { throw ComplyError("dataset '\(join.dataset)' was not loaded") }
      joins.append((try table.index(on: join.right), table))
    }
    var sets: [Set<Value>] = []
    for (dataset, column) in rule.sets {
      guard let table = tables[dataset], let c = table.dataset.columnIndex(column) else {
        throw ComplyError("dataset '\(dataset)' was not loaded")
      }
      sets.append(table.valueSet(c))
    }
    let expect = rule.aggregate?.expect.flatMap { tables[$0.dataset] }
    return BoundLookups(joins: joins, sets: sets, expect: expect)
  }
}

struct BoundLookups {
  var joins: [(index: [[Value]: Int], table: LookupTable)]
  var sets: [Set<Value>]
  var expect: LookupTable?
}
