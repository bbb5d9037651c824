#pragma once
// Checks every signature a load run counted, after the run (outside the timed window). One pairing check
// per signature would take longer than the run itself, so all of them are checked at once against the one
// public key that made them, with random weights r_i the daemon cannot predict:
//   e(G1, sum r_i * sig_i) == e(pk, sum r_i * H(m_i))
// holds for honest signatures and, except with probability about 2^-64, fails when any one is wrong.
#include <cstdint>
#include <vector>

#include "message.h"
#include "util/bytes.h"

namespace cryftee::bench {

struct SignedMessage {
  Message message;
  std::array<std::uint8_t, 96> signature;
};

// True when every signature decodes to a curve point and the weighted check holds (signature DST).
// Spreads the work over `threads` threads.
bool verify_all(ByteView public_key, const std::vector<SignedMessage>& signed_messages, unsigned threads);

}  // namespace cryftee::bench
