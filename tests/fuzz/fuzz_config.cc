// libFuzzer target: agent.yaml, seattest::ParseAgentConfig (core/config.h). No exception is caught.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config.h"

namespace {

bool Same(const seattest::DeviceSpec& a, const seattest::DeviceSpec& b) {
  return a.kind == b.kind && a.value == b.value;
}

bool Same(const seattest::AgentConfig& a, const seattest::AgentConfig& b) {
  return a.image_version == b.image_version && a.commit_id == b.commit_id && a.output_dir == b.output_dir &&
         a.baseimage_sha256 == b.baseimage_sha256 && Same(a.root_device, b.root_device) &&
         a.root_digest == b.root_digest && a.root_hash == b.root_hash && a.root_tarball == b.root_tarball &&
         a.root_tarball_sha256 == b.root_tarball_sha256 && a.root_tarball_copy == b.root_tarball_copy &&
         a.root_size == b.root_size && a.root_tarball_size == b.root_tarball_size &&
         a.root_tarball_extents == b.root_tarball_extents && Same(a.cidata_device, b.cidata_device) &&
         a.attestation_key == b.attestation_key && a.contract_key == b.contract_key &&
         a.require_secure_execution == b.require_secure_execution &&
         a.contract_signing_keys_sha256 == b.contract_signing_keys_sha256;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = seattest::ParseAgentConfig(text, "agent.yaml");
  if (!config.ok()) return 0;
  // config.h: RenderAgentConfig writes text that ParseAgentConfig reads back to the same
  // configuration (what `se-attest seal` writes is what the agent reads in the initrd). Compared
  // field by field, and by rendering again (which covers every field, also ones added later).
  const std::string rendered = seattest::RenderAgentConfig(*config);
  auto back = seattest::ParseAgentConfig(rendered, "rendered");
  if (!back.ok() || !Same(*config, *back) || seattest::RenderAgentConfig(*back) != rendered) __builtin_trap();
  return 0;
}
