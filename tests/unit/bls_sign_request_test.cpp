// cryftgo's `type` and the seed's `dst` settle into one "sig" | "pop" before the module sees the request.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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

TEST(BlsSignRequest, APlainRequestGoesToTheModuleAsWrittenWithItsTagSettled) {
  const auto text = [](const std::string& body) { return plain_bls_sign_request(body).value().object; };
  EXPECT_EQ(text(R"({"keyHandle":"bls-1","message":"AAE="})"), R"({"keyHandle":"bls-1","message":"AAE=","dst":"sig"})");
  EXPECT_EQ(text(" { \"message\" : \"AAE\\/\" , \"n\": [1, 2] } \n"), R"({"message":"AAE\/","n":[1, 2],"dst":"sig"})");
  EXPECT_EQ(text("{}"), R"({"dst":"sig"})");
  // cryftgo's request: `type` is settled into `dst` as settle_bls_sign_dst does.
  EXPECT_EQ(text(R"({"pubkey":"0xab","data":"AAE=","type":"pop"})"), R"({"pubkey":"0xab","data":"AAE=","dst":"pop"})");
  EXPECT_EQ(text(R"({"type":"sig","data":"AAE=","dst":"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"})"),
            R"({"data":"AAE=","dst":"sig"})");
  EXPECT_EQ(text(R"({"dst":"BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"})"), R"({"dst":"pop"})");
  EXPECT_EQ(text(R"({"type":null,"dst":null})"), R"({"dst":"sig"})");
  EXPECT_EQ(text(R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"type":"sig"})"),
            R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"dst":"sig"})");
}

TEST(BlsSignRequest, ABodyThatNeedsTheTreeIsLeftToIt) {
  using namespace std::string_literals;  // for the NUL byte
  for (const std::string& body : std::vector<std::string>{
           R"({"keyHandle":"bls-1","message":"AAE=","hostContext":{}})",   // replaced by the host's
           R"({"keyHandle":"bls-1","keyHandle":"bls-2","message":"AAE="})",  // the tree keeps the last
           R"({"key\u0048andle":"bls-1","message":"AAE="})",                 // the module reads names as written
           R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9})",
           // tags the tree path refuses, or spells differently
           R"({"type":"pop","dst":"sig"})", R"({"type":"sig","type":"pop"})", R"({"type":"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"})",
           R"({"dst":"nope"})", R"({"dst":1})", R"({"type":["sig"]})", R"({"dst":"\u0073ig"})",
           "", "[]", "{", R"({"message":"\uD800"})", "{\"a\":1}\0"s}) {
    EXPECT_FALSE(plain_bls_sign_request(body)) << body;
  }
}

}  // namespace
}  // namespace cryftee::api
