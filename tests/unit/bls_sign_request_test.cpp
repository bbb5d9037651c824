// cryftgo's `type` and the seed's `dst` settle into one "sig" | "pop" before the module sees the request.
#include <gtest/gtest.h>

#include "api/bls_sign_request.h"
#include "util/error.h"

namespace cryftee::api {
namespace {

using nlohmann::json;

std::string settled(json body) {
  settle_bls_sign_dst(body);
  EXPECT_FALSE(body.contains("type"));
  return body.at("dst").get<std::string>();
}

std::string refusal(json body) {
  try {
    settle_bls_sign_dst(body);
  } catch (const Error& error) {
    EXPECT_EQ(error.status(), 400);
    return error.code() + ": " + error.what();
  }
  ADD_FAILURE() << "accepted " << body.dump();
  return {};
}

TEST(BlsSignRequest, TypeOrDstChooseTheTag) {
  EXPECT_EQ(settled({{"data", "AA=="}}), "sig");
  EXPECT_EQ(settled({{"type", "sig"}}), "sig");
  EXPECT_EQ(settled({{"type", "pop"}}), "pop");
  EXPECT_EQ(settled({{"dst", "pop"}}), "pop");
  EXPECT_EQ(settled({{"dst", "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"}}), "pop");
  EXPECT_EQ(settled({{"dst", "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"}}), "sig");
  EXPECT_EQ(settled({{"type", "pop"}, {"dst", "pop"}}), "pop");
  EXPECT_EQ(settled({{"type", "pop"}, {"dst", nullptr}}), "pop");
}

TEST(BlsSignRequest, UnknownValuesNameWhatIsAccepted) {
  const std::string unknown_type = refusal({{"type", "proof"}});
  EXPECT_NE(unknown_type.find("invalid_field"), std::string::npos) << unknown_type;
  EXPECT_NE(unknown_type.find("\"sig\" or \"pop\""), std::string::npos) << unknown_type;
  const std::string unknown_dst = refusal({{"dst", "BLS_SIG_OTHER"}});
  EXPECT_NE(unknown_dst.find("BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"), std::string::npos) << unknown_dst;
}

TEST(BlsSignRequest, WrongJsonTypesAreRefusedNotDefaulted) {
  for (const json& value : {json(1), json(true), json::array({"pop"}), json::object({{"x", "pop"}})}) {
    SCOPED_TRACE(value.dump());
    EXPECT_NE(refusal({{"dst", value}}).find("'dst' must be a string"), std::string::npos);
    EXPECT_NE(refusal({{"type", value}}).find("'type' must be a string"), std::string::npos);
  }
}

TEST(BlsSignRequest, TypeAndDstMustAgree) {
  const std::string disagreement = refusal({{"type", "pop"}, {"dst", "sig"}});
  EXPECT_NE(disagreement.find("conflicting_fields"), std::string::npos) << disagreement;
  EXPECT_NE(refusal({{"type", "sig"}, {"dst", "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"}}).find("conflicting_fields"),
            std::string::npos);
}

}  // namespace
}  // namespace cryftee::api
