// The module is its header (CPrefetch.h); SwiftPM needs one source file to build it.
#include "CPrefetch.h"
