#!/usr/bin/env python3
"""The man pages and the bash completion against the programs (CTest man_pages, label unit).

usage: man-test.py --pages DIR --source DIR --se-attest EXE --agent EXE --root EXE
                   [--agent-yaml FILE]...

Checks, each one TAP line ("ok N - ..." / "not ok N - ..."), exit 1 when any fails:
  - se-attest.1 has a subsection per command `se-attest --help` lists, and every long option that
    `se-attest --help` and `se-attest COMMAND --help` print; the options of a command's usage
    and option list within that command's own subsections;
  - se-attest-agent.8 has every option of `se-attest-agent --help` in OPTIONS and of
    `se-attest-root --help` in its section of se-attest-root, every exit code their --help
    names in EXIT STATUS, and every MESSAGE_ID of agent/lib/platform/log.h;
  - se-attest-agent.yaml.5 has every key the agent's parser accepts (agent/lib/core/config.cc)
    and every key of real agent.yaml files written by `se-attest seal` (tests/man/sealed-agent.yaml
    and --agent-yaml FILE);
  - groff -man -ww -z, and man --warnings as lintian runs it, say nothing about any page, and
    lexgrog reads each NAME line as "name - summary" (lintian's whatis check);
  - the completion offers every command, and after `se-attest COMMAND --` every option of it.
Python 3 standard library; groff is required, man and lexgrog (man-db) are used when present.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

FAILED = []
COUNT = [0]


def check(ok, what, detail=""):
    COUNT[0] += 1
    print(("ok" if ok else "not ok") + f" {COUNT[0]} - {what}")
    if not ok:
        FAILED.append(what)
        for line in str(detail).splitlines()[:40]:
            print("#   " + line)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def help_text(exe, *args):
    r = run([exe, *args, "--help"])
    if r.returncode != 0:
        raise SystemExit(f"man-test: {exe} {' '.join(args)} --help: exit {r.returncode}: {r.stderr}")
    return r.stdout


def options_of(text):
    """(every --option in the text, those of its usage block and option list)."""
    every = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", text))
    usage = text.split("\n\n")[0]
    own = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", usage))
    own |= set(re.findall(r"^\s+(--[a-z][a-z0-9-]*)(?=[\s,]|$)", text, re.M))
    for line in text.splitlines():  # "  --attestation-cert CERT, --contract-cert CERT"
        if re.match(r"^\s+--[a-z0-9-]+(\s|,|$)", line):
            own |= set(re.findall(r"(?:^|,\s*)(--[a-z][a-z0-9-]*)(?=[\s,]|$)", line.strip()))
    return every, own


def render(page):
    """The page as plain text (groff -Tascii without overstriking), and groff's warnings."""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    r = run(["groff", "-man", "-Tascii", "-P-c", "-P-b", "-P-u", "-ww", page], env=env)
    return r.stdout, r.stderr


def sections(text):
    """{SECTION: text} of a rendered page (section headings at column 0)."""
    out = {}
    name = None
    for line in text.splitlines():
        if re.match(r"^[A-Z][A-Z0-9 :.-]*$", line):
            name = line.strip()
            out[name] = ""
        elif name:
            out[name] += line + "\n"
    return out


def subsections(text, prefix):
    """{title: text} of the subsections (3 spaces in) whose title starts with prefix."""
    out = {}
    name = None
    for line in text.splitlines():
        m = re.match(r"^   (\S.*)$", line)
        if m:
            name = m.group(1).strip()
            out[name] = ""
        elif name is not None:
            out[name] += line + "\n"
    return {k: v for k, v in out.items() if k.startswith(prefix)}


def has_option(text, option):
    return re.search(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])", text) is not None


def yaml_keys(path):
    """Key names of a YAML file of mappings (as seal writes agent.yaml): no YAML library needed."""
    keys = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*([a-z_][a-z0-9_]*):(\s|$)", line)
            if m:
                keys.add(m.group(1))
    return keys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--se-attest", required=True)
    ap.add_argument("--agent", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--agent-yaml", action="append", default=[])
    args = ap.parse_args()
    if not shutil.which("groff"):
        raise SystemExit("man-test: groff is needed (Debian: groff-base)")

    pages = {p: os.path.join(args.pages, p) for p in ("se-attest.1", "se-attest-agent.8", "se-attest-agent.yaml.5")}
    text = {}
    for page, path in pages.items():
        check(os.path.isfile(path), f"{page} was generated")
        if not os.path.isfile(path):
            continue
        text[page], warnings = render(path)
        check(warnings == "", f"groff -man -ww: no warnings on {page}", warnings)
        r = run(["groff", "-man", "-ww", "-z", path])
        check(r.stdout + r.stderr == "", f"groff -man -ww -z says nothing on {page}", r.stdout + r.stderr)
        if shutil.which("man"):
            # As lintian's manpage check runs it.
            env = dict(os.environ, LC_ALL="C.UTF-8", MANROFFSEQ="", MANWIDTH="80")
            r = run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", path], env=env)
            check(r.returncode == 0 and r.stderr == "", f"man --warnings -l says nothing on {page}", r.stderr)
        if shutil.which("lexgrog"):
            r = run(["lexgrog", path])
            name = page.rsplit(".", 1)[0]
            check(r.returncode == 0 and f'"{name} - ' in r.stdout, f"lexgrog reads the NAME line of {page}", r.stdout + r.stderr)
    if len(text) != 3:
        return finish()

    # se-attest(1)
    main_help = help_text(args.se_attest)
    block = main_help.split("commands:", 1)[1].split("\n\n")[0]
    verbs = re.findall(r"^  ([a-z]+)\b", block, re.M)
    check(len(verbs) >= 7, f"se-attest --help lists the commands ({' '.join(verbs)})")
    page1 = text["se-attest.1"]
    subs = subsections(sections(page1).get("COMMANDS", ""), "se-attest ")
    every_main, _ = options_of(main_help)
    missing = sorted(o for o in every_main if not has_option(page1, o))
    check(not missing, "se-attest.1 has every option of se-attest --help", " ".join(missing))
    for verb in verbs:
        own_subs = {k: v for k, v in subs.items() if re.match(rf"se-attest {verb}(\W|$)", k)}
        check(bool(own_subs), f"se-attest.1 COMMANDS has a subsection se-attest {verb}", " | ".join(subs))
        region = "".join(own_subs.values())
        every, own = options_of(help_text(args.se_attest, verb))
        missing = sorted(o for o in every if not has_option(page1, o))
        check(not missing, f"se-attest.1 has every option se-attest {verb} --help prints ({len(every)})", " ".join(missing))
        missing = sorted(o for o in own if not has_option(region, o))
        check(not missing, f"se-attest.1's se-attest {verb} describes its own options ({len(own)})", " ".join(missing))
    s1 = sections(page1)
    for needed in ("EXIT STATUS", "EXAMPLES"):
        check(needed in s1, f"se-attest.1 has {needed}")
    for code in ("0", "1", "2"):
        check(re.search(rf"^\s+{code}\s", s1.get("EXIT STATUS", ""), re.M) is not None, f"se-attest.1 EXIT STATUS has exit {code}")

    # se-attest-agent(8)
    page8 = text["se-attest-agent.8"]
    s8 = sections(page8)
    for exe, section, label in ((args.agent, "OPTIONS", "se-attest-agent"),
                                (args.root, next((s for s in s8 if "SE-ATTEST-ROOT" in s), "?"), "se-attest-root")):
        h = help_text(exe)
        every, _ = options_of(h)
        every.discard("--help")
        missing = sorted(o for o in every if not has_option(s8.get(section, ""), o))
        check(section in s8 and not missing, f"se-attest-agent.8 {section} has every option of {label} --help ({len(every)})",
              " ".join(missing) or f"no section {section}")
        codes = re.findall(r";\s*(\d+)\s", ";" + h.split("exit codes:", 1)[1]) if "exit codes:" in h else []
        missing = [c for c in codes if not re.search(rf"^\s+{c}\s", s8.get("EXIT STATUS", ""), re.M)]
        check(bool(codes) and not missing, f"se-attest-agent.8 EXIT STATUS has the exit codes of {label} --help ({' '.join(codes)})",
              " ".join(missing))
    for needed in ("THE BOOT", "JOURNAL", "FILES", "EXAMPLES"):
        check(needed in s8, f"se-attest-agent.8 has {needed}")
    with open(os.path.join(args.source, "agent/lib/platform/log.h"), encoding="utf-8") as f:
        ids = re.findall(r'"([0-9a-f]{32})"', f.read())
    missing = [i for i in ids if i not in s8.get("JOURNAL", "")]
    check(len(ids) >= 8 and not missing, f"se-attest-agent.8 JOURNAL has every MESSAGE_ID of log.h ({len(ids)})", " ".join(missing))

    # se-attest-agent.yaml(5)
    page5 = text["se-attest-agent.yaml.5"]
    with open(os.path.join(args.source, "agent/lib/core/config.cc"), encoding="utf-8") as f:
        config = f.read()
    parsed = set()
    for m in re.finditer(r"CheckKeys\(\{([^}]*)\}\)", config):
        parsed |= set(re.findall(r'"([a-z_0-9]+)"', m.group(1)))
    missing = sorted(k for k in parsed if not has_option(page5, k))
    check(len(parsed) >= 20 and not missing, f"se-attest-agent.yaml.5 has every key the agent accepts ({len(parsed)})", " ".join(missing))
    files = [os.path.join(args.source, "tests/man/sealed-agent.yaml")] + args.agent_yaml
    for path in files:
        keys = yaml_keys(path)
        missing = sorted(k for k in keys if not has_option(page5, k))
        check(len(keys) >= 10 and not missing, f"se-attest-agent.yaml.5 has every key of {os.path.basename(path)} ({len(keys)})",
              " ".join(missing))

    # The completion.
    completion = os.path.join(args.source, "agent/cli/se-attest/se-attest.bash-completion")
    script = r'''
set -u
source "$1"
shift
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_se_attest
printf '%s\n' "${COMPREPLY[@]}"
'''

    def complete(*words):
        r = run(["bash", "-c", script, "bash", completion, "se-attest", *words])
        return set(r.stdout.split()) if r.returncode == 0 else {"<error: " + r.stderr.strip() + ">"}

    offered = complete("")
    missing = [v for v in verbs if v not in offered]
    check(not missing, f"the completion offers every command ({len(verbs)})", " ".join(missing) + " offered: " + " ".join(sorted(offered)))
    for verb in verbs:
        every, own = options_of(help_text(args.se_attest, verb))
        offered = complete(verb, "--")
        missing = sorted(o for o in own | {"--help"} if o not in offered)
        check(not missing, f"the completion offers every option of se-attest {verb} ({len(own | {'--help'})})", " ".join(missing))
    offered = complete("seal", "--record-profile", "")
    check(offered == {"hpcr-2023", "hpcr-2026"}, "the completion offers the record profiles", " ".join(sorted(offered)))
    return finish()


def finish():
    print(f"1..{COUNT[0]}")
    if FAILED:
        print(f"man-test: {len(FAILED)} of {COUNT[0]} checks failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
