#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal (its controlling terminal, stdin, stdout and stderr) and
types answers at its passphrase prompts, as a user at a terminal would (tests/e2e/passphrase-cli.sh).

  passphrase-pty.py ANSWER... -- COMMAND [ARG...]

Each ANSWER is typed, followed by Enter, once the output since the previous answer holds
"passphrase of"; the ANSWER "^C" types Ctrl-C instead (SIGINT to the command). Prints everything
the terminal showed, then "exit=N echo=on|off": the command's exit status (negative: the signal)
and whether the terminal echoes after it returned. Gives up after 60 s (exit 3), never waits
for input that does not come.
"""
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time

split = sys.argv.index("--")
answers, command = sys.argv[1:split], sys.argv[split + 1:]

pid, master = pty.fork()
if pid == 0:
    # The child, on the terminal: runs the command with SIGINT as a shell would leave it, then
    # reports what the command left behind.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    rc = subprocess.call(command, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    echo = termios.tcgetattr(0)[3] & termios.ECHO
    print(f"exit={rc} echo={'on' if echo else 'off'}", flush=True)
    os._exit(0)

deadline = time.monotonic() + 60
seen = b""
pending = b""
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        sys.stdout.write(seen.decode(errors="replace") + "\npassphrase-pty.py: timed out\n")
        os.kill(pid, signal.SIGKILL)
        sys.exit(3)
    ready, _, _ = select.select([master], [], [], min(left, 0.2))
    if ready:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the terminal's other end is closed, everything was read
            break
        if not data:
            break
        seen += data
        pending += data
    if answers and b"passphrase of" in pending:
        # Echo goes off before the prompt is written: what is typed now is not shown.
        answer = answers.pop(0)
        os.write(master, b"\x03" if answer == "^C" else answer.encode() + b"\n")
        pending = b""
os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace").replace("\r\n", "\n"))
