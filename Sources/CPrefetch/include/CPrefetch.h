// CPrefetch: asks the CPU to start loading a cache line that will be read soon. Swift has no
// prefetch of its own; the group tables use this to overlap the memory latency of one row's
// hash-table probe with the work on the next row (see GroupTable.swift).
#ifndef COMPLY_CPREFETCH_H
#define COMPLY_CPREFETCH_H

/// Starts loading the line holding `address` into every cache level, for writing.
static inline void comply_prefetch(const void *address) {
  __builtin_prefetch(address, 1, 3);
}

#endif
