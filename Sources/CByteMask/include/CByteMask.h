// CByteMask: the top bit of each of 16 bytes as a 16-bit mask (SSE2's pmovmskb). Swift's SIMD
// comparisons give a lane mask but no way to turn it into bits; CSVReader.scan emulated the
// conversion with two multiplies and shifts per 16-byte block, which were a third of the
// scan's samples. Elsewhere than x86-64 the bits are gathered in a loop.
#ifndef COMPLY_CBYTEMASK_H
#define COMPLY_CBYTEMASK_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Bit `i` set where byte `i` of the 16 at `lanes` has its top bit set (a true SIMD lane).
static inline uint32_t comply_movemask16(const void *lanes) {
#if defined(__SSE2__)
  return (uint32_t)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)lanes));
#else
  const unsigned char *bytes = (const unsigned char *)lanes;
  uint32_t mask = 0;
  for (int i = 0; i < 16; i++) mask |= (uint32_t)(bytes[i] >> 7) << i;
  return mask;
#endif
}

#endif
