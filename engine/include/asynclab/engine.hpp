#pragma once
// Everything a program on the engine uses.

#include "asynclab/clock.hpp"
#include "asynclab/errors.hpp"
#include "asynclab/loop.hpp"
#include "asynclab/print.hpp"
#include "asynclab/sleep.hpp"
#include "asynclab/task.hpp"
#include "asynclab/task_handle.hpp"
#include "asynclab/trace.hpp"
#include "asynclab/gather.hpp"
#include "asynclab/outcome.hpp"
#include "asynclab/task_group.hpp"
#include "asynclab/timeout.hpp"
#include "asynclab/wait.hpp"
