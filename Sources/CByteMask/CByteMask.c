// The module is its header (CByteMask.h); SwiftPM needs one source file to build it.
#include "CByteMask.h"
