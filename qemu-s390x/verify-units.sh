#!/usr/bin/env bash
# verify-units.sh WORK: `systemd-analyze verify` of every se-attest unit, inside the image's s390x
# tree that prepare.sh made (its systemd, its initrd targets, the agent installed at the paths the
# units name). Any complaint fails, warnings such as an unknown key included. As root.
set -uo pipefail
work=$(cd "${1:?usage: verify-units.sh WORK}" && pwd)
units=(/usr/lib/se-attest/units/se-attest-agent.service /usr/lib/se-attest/units/se-attest-root.service
       /usr/lib/se-attest/units/se-attest-no-shell.service /usr/lib/se-attest/units/sysroot.mount
       /usr/lib/se-attest/units/encrypted-root/se-attest-root.service)
out=$(chroot "$work/tree" systemd-analyze verify --man=no "${units[@]}" 2>&1)
rc=$?
[ -z "$out" ] || printf '%s\n' "$out"
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
  echo "not ok - systemd-analyze verify: exit $rc, output above"
  exit 1
fi
echo "ok - systemd-analyze verify: ${units[*]##*/}: clean"
