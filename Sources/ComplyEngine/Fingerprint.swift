// Fingerprint: a violation's identity across runs. HMAC-SHA256 over the rule id, the dataset
// and the record's key values (or, without a key, all its declared values), or the group
// values of an aggregate rule. Lines are left out, so a record that moves keeps its
// fingerprint.
//
// Personal data: an ID number has about 10^11 plausible values, so a plain or unkeyed hash of
// one can be reversed by brute force. With a per-project secret (COMPLY_FINGERPRINT_SECRET)
// the HMAC covers the raw values and cannot be reversed without the secret. Without one, `pii`
// values enter the fingerprint only in their masked form (张*, 110101********1234): the
// fingerprint then reveals nothing the masked report does not already show, at the cost of
// two records that differ only in the masked-out characters sharing a fingerprint (the
// baseline matches fingerprints as a multiset, so such pairs still reconcile by count).

import ComplyCore
import Crypto
import Foundation

struct Fingerprinter {
  let hasSecret: Bool
  /// SHA-256 after HMAC's inner and outer key blocks (RFC 2104), copied for every fingerprint.
  /// Why not swift-crypto's HMAC: keyed anew per violation and fed through its generic
  /// DataProtocol path, it was 1.3 % of `perf record` of the 1M-row benchmark (one worker, ~14k
  /// violations); a test checks that the two give the same codes.
  private let inner: SHA256
  private let outer: SHA256

  init(secret: String?) {
    let secret = secret.flatMap { $0.isEmpty ? nil : $0 }
    hasSecret = secret != nil
    var key = Array((secret ?? "comply-fingerprint").utf8)
    if key.count > SHA256.blockByteCount { key = Array(SHA256.hash(data: key)) }
    key += repeatElement(0, count: SHA256.blockByteCount - key.count)
    var inner = SHA256()
    inner.update(data: key.map { $0 ^ 0x36 })
    var outer = SHA256()
    outer.update(data: key.map { $0 ^ 0x5C })
    self.inner = inner
    self.outer = outer
  }

  /// How a value's text enters the fingerprint: masked when personal and there is no secret.
  /// `masked` is the text's mask when the caller has it already.
  func material(_ text: String, pii: Bool, masked: String? = nil) -> String {
    pii && !hasSecret ? masked ?? PIIMask.mask(text) : text
  }

  /// 32 hex digits identifying `parts` under this fingerprinter's key: the first half of the
  /// HMAC-SHA256 of the parts, each followed by 0x1F.
  func fingerprint(_ parts: [String]) -> String {
    var bytes: [UInt8] = []
    for part in parts {
      bytes.append(contentsOf: part.utf8)
      bytes.append(0x1F)
    }
    var innerHash = inner
    bytes.withUnsafeBytes { innerHash.update(bufferPointer: $0) }
    var outerHash = outer
    innerHash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
    return hex(outerHash.finalize().prefix(16))
  }
}

/// Lower-case hex digits of `bytes` (String(format:) per byte costs a quarter of a run in which
/// a million groups violate).
func hex(_ bytes: some Sequence<UInt8>) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var out: [UInt8] = []
  for b in bytes {
    out.append(digits[Int(b >> 4)])
    out.append(digits[Int(b & 15)])
  }
  return String(decoding: out, as: UTF8.self)
}
