#include "batch_verify.h"

#include <blst.h>
#include <openssl/rand.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "crypto/bls.h"

namespace cryftee::bench {
namespace {

constexpr std::size_t kWeightBits = 64;

struct PartialSums {
  blst_p2 signatures{};  // sum r_i * sig_i
  blst_p2 hashes{};      // sum r_i * H(m_i)
  bool empty = true;
  bool decoded = true;
};

std::uint64_t random_weight() {
  std::uint64_t weight = 0;
  while (weight == 0) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&weight), sizeof weight) != 1) {
      throw std::runtime_error("the random number generator failed");
    }
  }
  return weight;
}

void accumulate(blst_p2& sum, bool first, const blst_p2& point, std::uint64_t weight) {
  std::uint8_t scalar[sizeof weight];
  for (std::size_t i = 0; i < sizeof weight; ++i) scalar[i] = static_cast<std::uint8_t>(weight >> (8 * i));  // little-endian
  blst_p2 weighted;
  blst_p2_mult(&weighted, &point, scalar, kWeightBits);
  if (first) {
    sum = weighted;
  } else {
    blst_p2_add_or_double(&sum, &sum, &weighted);
  }
}

void sum_range(const std::vector<SignedMessage>& items, std::size_t begin, std::size_t end, PartialSums& sums) {
  const std::string_view dst = bls::dst_tag(bls::Dst::Signature);
  for (std::size_t i = begin; i < end; ++i) {
    blst_p2_affine signature_affine;
    if (blst_p2_uncompress(&signature_affine, items[i].signature.data()) != BLST_SUCCESS) {
      sums.decoded = false;
      return;
    }
    blst_p2 signature;
    blst_p2_from_affine(&signature, &signature_affine);
    blst_p2 hash;
    blst_hash_to_g2(&hash, items[i].message.data(), items[i].message.size(),
                    reinterpret_cast<const byte*>(dst.data()), dst.size(), nullptr, 0);
    const std::uint64_t weight = random_weight();
    accumulate(sums.signatures, sums.empty, signature, weight);
    accumulate(sums.hashes, sums.empty, hash, weight);
    sums.empty = false;
  }
}

blst_fp12 pairing(const blst_p2& g2_point, const blst_p1_affine& g1_point) {
  blst_p2_affine affine;
  blst_p2_to_affine(&affine, &g2_point);
  blst_fp12 result;
  blst_miller_loop(&result, &affine, &g1_point);
  blst_final_exp(&result, &result);
  return result;
}

}  // namespace

bool verify_all(ByteView public_key, const std::vector<SignedMessage>& signed_messages, unsigned threads) {
  if (signed_messages.empty()) return true;
  if (!bls::is_valid_public_key(public_key)) return false;
  blst_p1_affine key;
  blst_p1_uncompress(&key, public_key.data());

  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(signed_messages.size())));
  std::vector<PartialSums> partial(threads);
  {
    std::vector<std::jthread> workers;
    const std::size_t share = (signed_messages.size() + threads - 1) / threads;
    for (unsigned t = 0; t < threads; ++t) {
      const std::size_t begin = std::min(signed_messages.size(), t * share);
      const std::size_t end = std::min(signed_messages.size(), begin + share);
      workers.emplace_back([&, t, begin, end] { sum_range(signed_messages, begin, end, partial[t]); });
    }
  }
  PartialSums total;
  for (const PartialSums& sums : partial) {
    if (!sums.decoded) return false;
    if (sums.empty) continue;
    if (total.empty) {
      total = sums;
    } else {
      blst_p2_add_or_double(&total.signatures, &total.signatures, &sums.signatures);
      blst_p2_add_or_double(&total.hashes, &total.hashes, &sums.hashes);
    }
  }
  const blst_fp12 left = pairing(total.signatures, *blst_p1_affine_generator());
  const blst_fp12 right = pairing(total.hashes, key);
  return blst_fp12_is_equal(&left, &right);
}

}  // namespace cryftee::bench
