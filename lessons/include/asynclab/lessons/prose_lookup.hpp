#pragma once
// What a lesson text's names stand for in one run: the demo's figures, its duration_s, and the
// lesson's knobs ("fail-rate" is written fail_rate). A demo's explain is shown before it runs, so
// it is filled from the knobs alone; its takeaway from the run and the knobs.

#include "asynclab/lessons/knobs.hpp"
#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/prose.hpp"
#include "asynclab/lessons/run.hpp"

namespace asynclab::lessons {

/// The knobs only: for an explain, before the run.
[[nodiscard]] ProseLookup prose_lookup(const Knobs& knobs, const Lesson& lesson);

/// The run's figures (and duration_s), then the knobs: for a takeaway.
[[nodiscard]] ProseLookup prose_lookup(const DemoRun& run, const Knobs& knobs,
                                       const Lesson& lesson);

}  // namespace asynclab::lessons
