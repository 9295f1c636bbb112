// The passphrase of an encrypted private key on the host (`se-attest decrypt`, `verify`,
// `contract`, `seal`, `measure`): `--passin SOURCE` in the openssl command line's conventions, or
// a prompt on the terminal with echo off. The agent never asks (boot/configuration.cc).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "crypto/keys.h"

namespace seattest {

// --passin SOURCE, read when a key first asks (an unencrypted key reads nothing) and then kept
// for every other key of the run, wiped with the source:
//   pass:TEXT  TEXT itself (seen by anyone who lists processes: for tests)
//   env:VAR    the environment variable VAR
//   file:PATH  the first line of PATH
//   fd:N       the first line read from file descriptor N
//   stdin      the first line of standard input
// "First line": up to the first newline, which is not part of it. Errors name the option and its
// source ("--passin env:PW: the variable is not set"), never the passphrase. Syntax errors here,
// before anything is read.
Result<std::unique_ptr<PassphraseSource>> ParsePassin(std::string_view source);

// Whether --passin SOURCE reads standard input (then the verb's own input cannot come from it).
bool PassinReadsStdin(std::string_view source);

// Asks on the controlling terminal (/dev/tty), once per key ("Enter the passphrase of KEY: "),
// echo off and the terminal's settings restored on every path (and on SIGINT, SIGTERM, SIGHUP,
// SIGQUIT, which then end the process as they would have).
std::unique_ptr<PassphraseSource> MakeTerminalPrompt();

// What a verb uses: --passin when given; otherwise the prompt when standard input is a terminal;
// otherwise none (nullptr: an encrypted key is then "passphrase required").
Result<std::unique_ptr<PassphraseSource>> PassphraseSourceFor(const std::optional<std::string>& passin);

}  // namespace seattest
