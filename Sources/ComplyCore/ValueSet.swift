// ValueSet: the members of `x in $list`, `x in [a, b]` and `x in dataset.column`, with
// membership as `Value.==` decides it. Text members live in a TextIndex (a string equals only
// strings); the rest in a Set<Value>. A class, so that reading one out of an array retains
// one object rather than each of its buffers.

/// An immutable set of values for `in` lookups.
public final class ValueSet: Sendable, ExpressibleByArrayLiteral {
  private let texts: TextIndex
  private let others: Set<Value>

  public init(_ values: some Sequence<Value>) {
    var texts = TextIndex()
    var others: Set<Value> = []
    for value in values {
      if case .string(let s) = value {
        texts.insert(s, value: 0)
      } else {
        others.insert(value)
      }
    }
    self.texts = texts
    self.others = others
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
}
