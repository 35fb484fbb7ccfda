// CPrefetch: asks the CPU to start loading a cache line that will be read soon. Swift has no
// prefetch of its own; the group tables and the `dataset.column` sets use this to start the
// hash-table loads of a window's rows before any of them is probed (see GroupState.add and
// RuleRunner.consume), so that the loads overlap instead of each row waiting for its own.
#ifndef COMPLY_CPREFETCH_H
#define COMPLY_CPREFETCH_H

/// Starts loading the line holding `address` into every cache level, for writing.
static inline void comply_prefetch(const void *address) {
  __builtin_prefetch(address, 1, 3);
}

#endif
