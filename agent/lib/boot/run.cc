// The boot flow (docs/design.md "The boot flow"), top to bottom: each step returns its value or
// the Failure that ends the boot, and the lines it logs. Only this file logs (and the progress of
// the two hashes).
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "boot/agent.h"
#include "boot/cidata.h"
#include "boot/configuration.h"
#include "boot/contract_step.h"
#include "boot/failure.h"
#include "boot/kept_copy.h"
#include "boot/machine.h"
#include "boot/record_step.h"
#include "boot/root_check.h"
#include "boot/step_log.h"

namespace seattest {
namespace {

// What the main thread reads while the root partition is read: cidata, then the contract on it.
struct CloudInit {
  CidataFiles cidata;
  AcceptedContract contract;
};

Outcome<CloudInit> ReadCloudInit(const Configuration& config, const AgentOptions& options, Platform& platform,
                                 const Keys& keys, const std::atomic<bool>& root_failed) {
  SEA_ASSIGN_OR_RETURN(CidataFiles cidata, MeasureCidata(config.agent, platform, options.wait_seconds, root_failed));
  SEA_ASSIGN_OR_RETURN(AcceptedContract contract,
                       ReadContract(*cidata.user, keys.contract.get(), config.agent.contract_signing_keys_sha256,
                                    config.agent.record_profile));
  return CloudInit{std::move(cidata), std::move(contract)};
}

// Every step after the configuration; the log gets each step's lines as it is done.
Outcome<void> Boot(const Configuration& config, const AgentOptions& options, Platform& platform, BootLog& log) {
  SEA_RETURN_IF_ERROR(ClearOutput(config.output_dir));
  // Outside Secure Execution, an image sealed for it touches no device (its failure is reported
  // after the keys' and the machine's, below).
  Outcome<StepLine> guest = CheckSecureExecution(options.prot_virt_guest_path, config.agent.require_secure_execution);
  Outcome<std::optional<KeptCopy>> copy = guest ? OpenTarballCopy(config.agent.root_tarball_copy)
                                                : Outcome<std::optional<KeptCopy>>(std::optional<KeptCopy>());
  const int copy_fd = copy && *copy ? (*copy)->fd() : -1;

  // The root partition is looked up (libblkid probes every device) and read once, on a thread of
  // its own. This thread meanwhile loads the keys, checks the machine, measures cidata and reads
  // the contract: the run costs about the root's lookup and hash alone. Their lines wait for the
  // root's verdict, and failures keep the order of the boot: keys, machine, Secure Execution, root
  // partition, root.tar.gz's copy, root.tar.gz, cidata, contract (a failure before the root's
  // stops its lookup and read).
  std::optional<RootReader> root;
  if (guest) root.emplace(config.agent, platform.devices, options.wait_seconds, copy_fd, platform.log);
  SEA_ASSIGN_OR_RETURN(const Keys keys, LoadKeys(config));
  SEA_ASSIGN_OR_RETURN(const std::string machine, ReadMachine(options.sysinfo_path));
  if (!guest) return guest.error();
  log.Done(std::move(*guest));
  // The devices are this thread's again once the root is looked up (libblkid's probes are cached).
  SEA_RETURN_IF_ERROR(root->Device());
  if (!copy) return copy.error();
  Outcome<CloudInit> cloud_init = ReadCloudInit(config, options, platform, keys, root->failed());
  const RootRead& read = root->Wait();

  SEA_ASSIGN_OR_RETURN(StepLine root_verified, CheckRootDigest(read, config.agent));
  log.Done(std::move(root_verified));
  log.Done(MeasuredLine(kNameBaseimage, config.agent.baseimage_sha256, "the build"));
  SEA_ASSIGN_OR_RETURN(StepLine tarball, CheckRootTarball(read, config.agent));
  log.Done(std::move(tarball));
  SEA_ASSIGN_OR_RETURN(std::optional<StepLine> sbom, CheckRootSbom(read, config.agent));
  ProfileFiles profile_files;
  if (sbom) {
    log.Done(std::move(*sbom));
    profile_files.sbom = read.sbom;
  }
  SEA_ASSIGN_OR_RETURN(CloudInit measured, std::move(cloud_init));
  log.Done(std::move(measured.cidata.lines));
  log.Done(std::move(measured.contract.lines));

  // The copy before the record: once the record is written nothing can fail any more (a record
  // exists only for a run that succeeded; RunAgent removes the copy of one that failed).
  SEA_RETURN_IF_ERROR(KeepTarballCopy(*copy, config.agent.root_tarball_copy));
  // hpcr-2026: the sealed certificates' validity, in a file of the folder and in the header.
  if (keys.certificates) {
    CertificateExpiryFile expiry = MakeCertificateExpiryFile(*keys.certificates);
    log.Done(std::move(expiry.line));
    profile_files.certificate_expiry = std::move(expiry.text);
  }
  SEA_ASSIGN_OR_RETURN(const Record record,
                       LayOutRecord(config.agent, machine, keys.certificates,
                                    options.now ? *options.now : static_cast<UnixTime>(std::time(nullptr)),
                                    log.record_entries()));
  SEA_ASSIGN_OR_RETURN(const SignedRecord signed_record,
                       SignRecord(record, keys.attestation.get(), measured.contract.recipient.get(),
                                  config.agent.token_prefix));
  const std::vector<OutputFile> files =
      OutputFiles(config.agent, measured.cidata, measured.contract.contract, profile_files, signed_record);
  SEA_ASSIGN_OR_RETURN(StepLine written, WriteRecord(config.output_dir, files, signed_record, record.entries.size()));
  log.Done(std::move(written));
  return {};
}

}  // namespace

int RunAgent(const AgentOptions& options, Platform& platform) {
  BootLog log(platform.log);
  log.Done(InfoLine(message_id::kStarted, "started with configuration " + options.config_path));
  Outcome<Configuration> config = LoadConfiguration(options);
  const Outcome<void> booted = config ? Boot(*config, options, platform, log) : Outcome<void>(config.error());
  if (booted) return kExitOk;
  // Nothing of a failed run is used: not even a root.tar.gz that was verified.
  if (config && !config->agent.root_tarball_copy.empty()) unlink(config->agent.root_tarball_copy.c_str());
  platform.log.Log(FailureEntry(booted.error()));
  return ExitCodeOf(booted.error());
}

}  // namespace seattest
