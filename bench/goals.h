#pragma once
// The performance goals of issue 13, each shown as the figure measured, its baseline from the same run, the
// ratio or difference between them and the goal, met or not; then how evenly multi-client rows were served.
#include "report.h"

namespace cryftee::bench {

void print_goals(const Report& report);

}  // namespace cryftee::bench
