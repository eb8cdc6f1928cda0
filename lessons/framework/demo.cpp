#include <algorithm>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {

void Demo::metric(std::string name, Value value) {
    auto it = std::find_if(metrics_.begin(), metrics_.end(),
                           [&](const auto& m) { return m.first == name; });
    if (it != metrics_.end()) {
        it->second = std::move(value);
    } else {
        metrics_.emplace_back(std::move(name), std::move(value));
    }
}

void Demo::metric(std::string name, Duration value) {
    metric(std::move(name), Value(to_secs(value)));
}

void Demo::metric(std::string name, const std::vector<BreakerTransition>& changes) {
    ValueList list;
    for (const BreakerTransition& c : changes) {
        list.emplace_back(ValueRecord{
            {"t_s", to_secs(c.t)}, {"from", to_string(c.from)}, {"to", to_string(c.to)}});
    }
    metric(std::move(name), Value(std::move(list)));
}

}  // namespace asynclab::lessons
