#include "boot/configuration.h"

#include <utility>

#include "core/limits_and_defaults.h"
#include "platform/folders.h"
#include "platform/key_file.h"
#include "platform/read_file.h"

namespace seattest {

Outcome<Configuration> LoadConfiguration(const AgentOptions& options) {
  const std::string& path = options.config_path;
  auto text = ReadFile(path, kMaxConfigSize);
  if (!text) return Fail(FailureClass::kConfiguration, "configuration: " + text.error().message, path);
  auto agent = ParseAgentConfig(AsText(*text), path);
  if (!agent) return Fail(FailureClass::kConfiguration, agent.error().message, path);
  Configuration config{std::move(*agent), DirName(path), {}};
  config.output_dir = options.output_dir ? *options.output_dir : ResolvePath(config.dir, config.agent.output_dir);
  return config;
}

namespace {

Outcome<EvpPkeyPtr> LoadKey(const Configuration& config, const std::string& configured, const char* what,
                            int exact_bits) {
  const std::string path = ResolvePath(config.dir, configured);
  auto file = ReadPrivateKeyFile(path, kMinRsaKeyBits, exact_bits);
  if (!file) return Fail(FailureClass::kKeys, std::string(what) + " key: " + file.error().message, path);
  return std::move(file->key);
}

}  // namespace

Outcome<Keys> LoadKeys(const Configuration& config) {
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr attestation, LoadKey(config, config.agent.attestation_key, "attestation", kAttestationKeyBits));
  SEA_ASSIGN_OR_RETURN(EvpPkeyPtr contract, LoadKey(config, config.agent.contract_key, "contract", 0));
  return Keys{std::move(attestation), std::move(contract)};
}

}  // namespace seattest
