// The system libyaml header, exposed to Swift as the CLibYAML module.
#include <yaml.h>
