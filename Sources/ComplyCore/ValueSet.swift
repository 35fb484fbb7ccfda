// ValueSet: the members of `x in $list`, `x in [a, b]` and `x in dataset.column`, with
// membership as `Value.==` decides it. Text members live in a TextIndex (a string equals only
// strings); the rest in a Set<Value>. A class, so that reading one out of an array retains
// one object rather than each of its buffers. `Members` gathers a set on several threads:
// text straight from cells' bytes, merged without normalising again (see TextIndex).

/// An immutable set of values for `in` lookups.
public final class ValueSet: Sendable, ExpressibleByArrayLiteral {
  private let texts: TextIndex
  private let others: Set<Value>

  public convenience init(_ values: some Sequence<Value>) {
    var members = Members()
    for value in values { members.insert(value) }
    self.init(members)
  }

  public init(_ members: Members) {
    texts = members.texts
    others = members.others
  }

  public convenience init(arrayLiteral values: Value...) {
    self.init(values)
  }

  /// Whether the text whose UTF-8 is `bytes` is a member.
  public func contains(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    texts.find(utf8: bytes) != nil
  }

  /// Starts loading what `contains(utf8:)` of the text will read first (TextIndex.prefetchSlot).
  public func prefetchSlot(utf8 bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
    texts.prefetchSlot(utf8: bytes)
  }

  /// Starts loading the member the slot of `hash` names (TextIndex.prefetchEntry).
  public func prefetchEntry(hash: UInt64) {
    texts.prefetchEntry(hash: hash)
  }

  public func contains(_ value: Value) -> Bool {
    if case .string(let s) = value { return texts.find(s) != nil }
    return others.contains(value)
  }

  /// A set's members while they are gathered, one builder per thread: text from a cell's bytes
  /// or a String, other values as they are; builders of several threads merge into one.
  public struct Members: Sendable {
    fileprivate var texts = TextIndex()
    fileprivate var others: Set<Value> = []

    public init() {}

    public mutating func insert(_ value: Value) {
      if case .string(let s) = value {
        texts.insert(s, value: 0)
      } else {
        others.insert(value)
      }
    }

    /// Adds the text whose UTF-8 is `bytes` (valid, in any normal form): a string cell's
    /// member without making it a String.
    public mutating func insert(utf8 bytes: UnsafeBufferPointer<UInt8>) {
      texts.insert(utf8: bytes, value: 0)
    }

    /// Starts loading the slot `insert(utf8:)` of the text will probe first.
    public func prefetchSlot(utf8 bytes: UnsafeBufferPointer<UInt8>) {
      _ = texts.prefetchSlot(utf8: bytes)
    }

    /// Adds every member of `other`.
    public mutating func formUnion(_ other: Members) {
      texts.insert(contentsOf: other.texts)
      others.formUnion(other.others)
    }
  }
}
