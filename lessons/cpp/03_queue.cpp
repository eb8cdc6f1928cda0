// Lesson 3 — queue: a bounded queue between one fast producer and a few slow workers. When the
// workers fall behind, the full queue suspends the producer — backpressure — instead of letting a
// backlog pile up in memory.
//
// `asynclab run 3` runs the demo below as the main task of a fresh loop. The workers' "work" only
// sleeps, standing in for a call to a slow service: waiting is what workers overlap.

#include <algorithm>
#include <string>
#include <vector>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {
namespace {

// The sentinel: a special item that means "no more work". Real items are 0, 1, 2, ...
constexpr int stop = -1;

// What the tasks note down for the summary. The demo owns it and outlives every task.
struct Figures {
    std::vector<std::vector<int>> handled_by;  // handled_by[i]: the items worker i handled
    Duration producer_blocked{};               // time the producer spent waiting for room
    std::size_t max_depth = 0;                 // the most items the queue ever held
    int handled = 0;                           // items handled, by all the workers
};

// A worker: take an item, work on it, mark it done — until it takes the sentinel.
Task<void> worker(int i, Queue<int>* queue, Duration work, Figures* figures) {
    for (;;) {
        const int item = co_await queue->get();  // waits while the queue is empty
        if (item == stop) {
            print("w{} got the sentinel and stops", i);
            queue->task_done();
            co_return;
        }
        co_await sleep(work);  // the work itself
        print("w{} handled {}", i, item);
        figures->handled_by[i].push_back(item);
        ++figures->handled;
        queue->task_done();  // join() waits until every item put has been marked done
    }
}

// The producer could put every item at once. The bounded queue holds it back: put() on a full
// queue suspends it until a worker takes an item and makes room.
Task<void> producer(int items, int workers, Queue<int>* queue, Figures* figures) {
    for (int item = 0; item < items; ++item) {
        if (queue->full()) print("producer: queue full, waiting to put {}", item);
        const Duration before = Loop::current().now();
        co_await queue->put(item);  // returns at once while there is room
        figures->producer_blocked += Loop::current().now() - before;
        figures->max_depth = std::max(figures->max_depth, queue->qsize());
    }
    print("producer: all {} items queued; join() waits until they are all handled", items);
    co_await queue->join();
    print("producer: every item handled; one sentinel per worker");
    for (int i = 0; i < workers; ++i) co_await queue->put(stop);
}

Task<void> backpressure(Demo& demo) {
    const int items = demo.count("items");
    const int workers = demo.count("workers");
    Queue<int> queue(demo.size("maxsize"));  // 0: unbounded
    Figures figures;
    figures.handled_by.resize(demo.size("workers"));

    // The workers first: they wait on the empty queue until the producer starts putting.
    std::vector<TaskHandle<void>> tasks;
    for (int i = 0; i < workers; ++i) {
        tasks.push_back(
            spawn(worker(i, &queue, demo.seconds("work"), &figures), "w" + std::to_string(i)));
    }
    tasks.push_back(spawn(producer(items, workers, &queue, &figures), "producer"));
    co_await gather(tasks);

    const Duration elapsed = Loop::current().now();
    const int handled = figures.handled;
    ValueRecord handled_by;  // worker name -> the items it handled
    for (int i = 0; i < workers; ++i)
        handled_by.emplace_back("w" + std::to_string(i), figures.handled_by[i]);
    demo.metric("items_handled", handled);
    demo.metric("handled_by", handled_by);
    demo.metric("producer_blocked_s", figures.producer_blocked);
    demo.metric("max_queue_depth", figures.max_depth);
    // Items per second of the run; with no time passed (--work 0) there is no rate to speak of.
    if (elapsed > Duration::zero()) {
        demo.metric("throughput_per_s", handled / to_secs(elapsed));
    } else {
        demo.metric("throughput_per_s", nullptr);
    }
}

}  // namespace

// The lesson: its number, and its demos in the order `run 3` runs them. Its knobs and its
// words are in lesson_data/03-queue.toml.
const Lesson& lesson_queue() {
    static const Lesson lesson{3, "queue", {{"backpressure", backpressure}}};
    return lesson;
}

}  // namespace asynclab::lessons
