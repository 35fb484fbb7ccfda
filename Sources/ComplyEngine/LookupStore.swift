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
  private var indexes: [[Int]: JoinIndex] = [:]
  private var sets: [Int: ValueSet] = [:]

  init(dataset: DatasetSpec, rows: [ParsedRow]) {
    self.dataset = dataset
    self.rows = rows
  }

  /// Row `i`, not retained: the table keeps its rows.
  func unmanagedRow(_ i: Int) -> Unmanaged<RowValues> {
    rows.withUnsafeBufferPointer { Unmanaged.passUnretained($0[i]) }
  }

  /// A table read only for `x in dataset.column`: the value sets of those columns, no rows.
  init(dataset: DatasetSpec, sets: [Int: ValueSet]) {
    self.dataset = dataset
    rows = []
    self.sets = sets
  }

  /// A unique index on `columns`; a duplicate key is an error naming both lines. Rows with a
  /// null key part are left out (they can never match).
  func index(on columns: [Int]) throws(ComplyError) -> JoinIndex {
    if let existing = indexes[columns] { return existing }
    let index = JoinIndex(rows: rows, columns: columns)
    if let (first, second) = index.duplicate {
      let names = columns.map { dataset.columns[$0].name }.joined(separator: ", ")
      let (other, row) = (rows[first], rows[second])
      let shown = columns.map { row.value(at: $0).description }.joined(separator: ", ")
      throw ComplyError(
        "duplicate key (\(shown)) on (\(names)) in dataset '\(dataset.name)': lines \(other.line) and \(row.line)\(other.file == row.file ? "" : " of '\(other.file)'")",
        at: SourceLocation(file: row.file, line: row.line, column: 1))
    }
    indexes[columns] = index
    return index
  }

  /// The non-null values of a column (empty for a column a sets-only table was not read for).
  func valueSet(_ column: Int) -> ValueSet {
    if let s = sets[column] { return s }
    let s = ValueSet(rows.lazy.map { $0.value(at: column) }.filter { !$0.isNull })
    sets[column] = s
    return s
  }
}

/// Every lookup table of a check, by dataset name.
struct LookupStore {
  var tables: [String: LookupTable] = [:]

  /// A rule's view of the store: its join indexes and value sets, resolved once.
  func bind(_ rule: CompiledRule) throws(ComplyError) -> BoundLookups {
    var joins: [(index: JoinIndex, table: LookupTable)] = []
    for join in rule.joins {
      guard let table = tables[join.dataset] else { throw ComplyError("dataset '\(join.dataset)' was not loaded") }
      joins.append((try table.index(on: join.right), table))
    }
    var sets: [ValueSet] = []
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
  var joins: [(index: JoinIndex, table: LookupTable)]
  var sets: [ValueSet]
  var expect: LookupTable?
}

/// A unique index from join keys to row numbers. A one-part text key, the common case, is found
/// in a TextIndex without hashing an array or touching String objects; other keys use a
/// dictionary. A class, so that reading it out of BoundLookups per row retains one object;
/// immutable once built, so threads may share it.
final class JoinIndex: Sendable {
  private let texts: TextIndex
  private let others: [[Value]: Int]
  /// The first two rows found with the same key, which makes the index unusable.
  let duplicate: (first: Int, second: Int)?

  /// Indexes `rows` on `columns`; rows with a null key part are left out (they never match).
  init(rows: [ParsedRow], columns: [Int]) {
    var texts = TextIndex()
    var others: [[Value]: Int] = [:]
    var duplicate: (first: Int, second: Int)?
    for (i, row) in rows.enumerated() {
      let key = columns.map { row.value(at: $0) }
      if key.contains(where: \.isNull) { continue }
      let first: Int?
      if key.count == 1, case .string(let s) = key[0] {
        first = texts.insert(s, value: i)
      } else {
        first = others[key]
        if first == nil { others[key] = i }
      }
      if let first {
        duplicate = (first, i)
        break
      }
    }
    self.texts = texts
    self.others = others
    self.duplicate = duplicate
  }

  /// The row of the one-part text key whose UTF-8 is `bytes`; nil when no row has it.
  func row(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    texts.find(utf8: bytes)
  }

  /// The row of `key`; nil when no row has it.
  subscript(key: [Value]) -> Int? {
    if key.count == 1, case .string(let s) = key[0] { return texts.find(s) }
    return others[key]
  }
}
