# The kernel log (/dev/kmsg) for the host end-to-end scripts (tests/lib/e2e.sh kmsg_mark,
# kmsg_since): without an argument, the sequence number of its last record; with SEQ, the
# se-attest-agent records after it, one a line, "LEVEL<TAB>TEXT" (no timestamps).
import errno, os, sys
fd = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK)
since = int(sys.argv[1]) if len(sys.argv) > 1 else None
last = -1
while True:
    try:
        rec = os.read(fd, 16384)
    except OSError as e:
        if e.errno == errno.EPIPE:  # overwritten while we read: go on with the next
            continue
        if e.errno == errno.EAGAIN:
            break
        raise
    head, _, msg = rec.decode('utf-8', 'replace').partition(';')
    fields = head.split(',')
    last = int(fields[1])
    msg = msg.split('\n', 1)[0]
    if since is not None and last > since and msg.startswith('se-attest-agent: '):
        print('%d\t%s' % (int(fields[0]) & 7, msg))
if since is None:
    print(last)
