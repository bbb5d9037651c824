#pragma once
// The checks that need the final value of more than one setting, or the file system: derived defaults,
// https needs TLS files, files must be readable, the admin token's source and shape.
#include "config/settings.h"

namespace cryftee::config {

// Completes `draft.config` (derived defaults, admin token) or throws ConfigError.
void finish_and_validate(Draft& draft);

}  // namespace cryftee::config
