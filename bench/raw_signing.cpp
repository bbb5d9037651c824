#include "raw_signing.h"

#include <latch>
#include <thread>
#include <vector>

#include "message.h"

namespace cryftee::bench {

Summary measure_raw_signing(const bls::SecretKey& key, unsigned threads, Clock::duration duration) {
  std::vector<std::vector<Clock::duration>> samples(threads);
  std::latch start(threads + 1);
  Clock::time_point deadline;
  std::vector<std::jthread> workers;
  for (unsigned index = 0; index < threads; ++index) {
    workers.emplace_back([&, index] {
      auto& mine = samples[index];
      start.arrive_and_wait();
      for (std::uint64_t counter = 0;; ++counter) {
        const Message message = make_message(index, counter);
        const auto before = Clock::now();
        if (before >= deadline) break;
        key.sign(message, bls::Dst::Signature);
        mine.push_back(Clock::now() - before);
      }
    });
  }
  const auto began = Clock::now();
  deadline = began + duration;
  start.arrive_and_wait();
  workers.clear();
  const auto elapsed = Clock::now() - began;

  std::vector<Clock::duration> all;
  for (auto& mine : samples) all.insert(all.end(), mine.begin(), mine.end());
  return summarize(std::move(all), elapsed);
}

}  // namespace cryftee::bench
