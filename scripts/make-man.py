#!/usr/bin/env python3
"""Generates the man pages se-attest(1), se-attest-agent(8) and se-attest-agent.yaml(5) from the docs.

docs/cli.md is the one source: it holds the text of the pages and, in HTML comments (invisible
where the Markdown is rendered), says which part of it goes where:

    <!-- man PAGE SECTION -->                   the lines that follow, up to the next marker,
                                                go into PAGE (se-attest.1, ...) under .SH SECTION
    <!-- man PAGE SECTION from=FILE#SLUG -->    the lines that follow, as above, then the body
                                                of the heading SLUG (GitHub's anchor of it)
                                                of docs/FILE
    <!-- /man -->                               what follows is for the Markdown reader only

Headings inside a block become .SS; paragraphs, lists, tables (as tagged paragraphs: the first
column the tag) and code blocks are translated; a list item "`--option ARG` (note): text" becomes
a tagged paragraph too. A block under NAME is one line "**name** — summary". SEE ALSO is added.

usage: make-man.py --docs DIR --out DIR [--version V]
The date on the pages is SOURCE_DATE_EPOCH's (reproducible builds) when set, else that of the
newest doc read. Python 3 standard library only.
"""

import argparse
import datetime
import os
import re
import sys

PAGES = {
    "se-attest.1": ("se-attest", "1", "User Commands"),
    "se-attest-agent.8": ("se-attest-agent", "8", "System Administration"),
    "se-attest-agent.yaml.5": ("se-attest-agent.yaml", "5", "File Formats"),
}
ORDER_HEAD = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS"]
ORDER_TAIL = ["EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"]
MARKER = re.compile(r"^<!--\s*(/man|man\s+(\S+)\s+(.*?))\s*-->\s*$")

# Characters past ASCII the docs use, as groff's own names; anything else becomes \[uXXXX].
GLYPHS = {
    "—": r"\(em", "–": r"\(en", "→": r"\(->", "←": r"\(<-", "≥": r"\(>=", "≤": r"\(<=",
    "×": r"\(mu", "…": "...", "“": r"\(lq", "”": r"\(rq", "‘": r"\(oq", "’": r"\(cq",
    "·": r"\(pc", "§": r"\(sc", "±": r"\(+-", "≠": r"\(!=", "▶": r"\[u25B6]", "\u00a0": r"\ ",
}


class Fail(Exception):
    pass


def slug(heading):
    """GitHub's anchor of a heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def escape(text, literal=False):
    """Text for groff: backslashes, past-ASCII characters; in literal text '-' is a minus."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append(r"\e")
        elif ch == "-" and literal:
            out.append(r"\-")
        elif ch == "\t":
            out.append("    ")
        elif ord(ch) > 126:
            out.append(GLYPHS.get(ch, "\\[u%04X]" % ord(ch)))
        else:
            out.append(ch)
    return "".join(out)


INLINE = re.compile(r"(`+)(.+?)\1|\*\*(.+?)\*\*|(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])|"
                    r"\[([^\]]+)\]\(([^)\s]+)\)|<(https?://[^>]+)>")


def inline(text):
    """Markdown spans to groff fonts: code and bold bold, emphasis italic, links their text."""
    out = []
    pos = 0
    for m in INLINE.finditer(text):
        out.append(escape(text[pos:m.start()].replace(r"\|", "|")))
        if m.group(1):
            code = m.group(2).strip() if m.group(1) != "`" else m.group(2)
            out.append(r"\fB" + escape(code.replace(r"\|", "|"), literal=True) + r"\fR")
        elif m.group(3):
            out.append(r"\fB" + inline(m.group(3)) + r"\fR")
        elif m.group(4):
            out.append(r"\fI" + inline(m.group(4)) + r"\fR")
        elif m.group(5):
            label, url = m.group(5), m.group(6)
            out.append(inline(label))
            if url.startswith("http"):
                out.append(r" <\fI" + escape(url) + r"\fR>")
            elif not url.startswith("#"):
                target = url.split("#")[0]
                if os.path.basename(target) not in label:
                    out.append(" (" + escape("docs/" + target) + ")")
        else:
            out.append(r"<\fI" + escape(m.group(7)) + r"\fR>")
        pos = m.end()
    out.append(escape(text[pos:].replace(r"\|", "|")))
    return "".join(out)


def plain(text):
    """A heading's text without Markdown, escaped (for .SS and .SH)."""
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return escape(text, literal=True).replace('"', r"\(dq")


def text_line(line):
    """One output line of running text: a leading . or ' would be a request."""
    return r"\&" + line if line[:1] in (".", "'") else line


TAGGED = re.compile(r"^(`-[^`]+`(?:,? (?:or )?`[^`]+`)*(?: \([^()]*(?:\([^()]*\)[^()]*)*\))?):\s+(.*)$")


def split_row(line):
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith(r"\|") else line
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)]


def render(lines, where):
    """Markdown lines (one block) to groff lines."""
    out = []
    i = 0
    n = len(lines)

    def para(words):
        out.append(".PP")
        out.append(text_line(inline(" ".join(words))))

    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        if stripped.startswith("```"):
            i += 1
            code = []
            while i < n and not lines[i].strip().startswith("```"):
                code.append(lines[i])
                i += 1
            if i == n:
                raise Fail(f"{where}: a code block is not closed")
            i += 1
            out += [".PP", ".RS 4", ".nf"]
            out += [text_line(escape(c, literal=True)) if c.strip() else "" for c in code]
            out += [".fi", ".RE"]
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        if m:
            out.append('.SS "' + plain(m.group(2)) + '"')
            i += 1
            continue
        if stripped.startswith("|"):
            rows = []
            while i < n and lines[i].strip().startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            if len(rows) < 2 or not all(re.fullmatch(r":?-+:?", c) for c in rows[1]):
                raise Fail(f"{where}: a table without its header line")
            header = [c.lower() for c in rows[0]]
            for row in rows[2:]:
                if len(row) != len(header):
                    raise Fail(f"{where}: a table row with {len(row)} cells, not {len(header)}: {row}")
                out.append(".TP")
                out.append(text_line(inline(row[0])))
                rest = list(zip(header[1:], row[1:]))
                tail = ""
                if rest and rest[-1][0] == "priority":
                    tail = " (priority: " + inline(rest[-1][1]) + ")"
                    rest = rest[:-1]
                body = ": ".join(inline(c) for _, c in rest if c) + tail
                out.append(text_line(body))
            continue
        m = re.match(r"^(\s*)([-*]|\d+\.)\s+(.*)$", line)
        if m:
            words = [m.group(3).strip()]
            i += 1
            while i < n and lines[i].strip() and lines[i].startswith("  ") and not re.match(r"^\s*([-*]|\d+\.)\s", lines[i]):
                words.append(lines[i].strip())
                i += 1
            item = " ".join(words)
            tagged = TAGGED.match(item) if m.group(2) in "-*" else None
            if tagged:  # "- `--option ARG` (note): text" is an option: tagged paragraph
                out += [".TP", text_line(inline(tagged.group(1))), text_line(inline(tagged.group(2)))]
            else:
                out.append(".IP " + (r"\(bu" if m.group(2) in "-*" else m.group(2)) + " 4")
                out.append(text_line(inline(item)))
            continue
        words = []
        while i < n and lines[i].strip() and not re.match(r"^\s*(```|#|\||[-*]\s|\d+\.\s)", lines[i]):
            words.append(lines[i].strip())
            i += 1
        para(words)
    return out


def section_body(path, anchor):
    """The lines under the heading whose anchor is `anchor`, up to the next heading of its level or above."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    fence = False
    for idx, line in enumerate(lines):
        if line.strip().startswith("```"):
            fence = not fence
        m = None if fence else re.match(r"^(#{1,6})\s+(.*)$", line)
        if m and slug(m.group(2)) == anchor:
            level = len(m.group(1))
            body = []
            fence2 = False
            for rest in lines[idx + 1:]:
                if rest.strip().startswith("```"):
                    fence2 = not fence2
                h = None if fence2 else re.match(r"^(#{1,6})\s", rest)
                if h and len(h.group(1)) <= level:
                    break
                body.append(rest)
            return body
    raise Fail(f"{path}: no heading with the anchor #{anchor}")


def collect(docs, cli):
    """{page: {section: [markdown lines]}} in the order of first appearance, and the files read."""
    pages = {p: {} for p in PAGES}
    read = {cli}
    with open(cli, encoding="utf-8") as f:
        lines = f.read().split("\n")
    current = None
    pending = []  # (block, lines of another doc): appended after the block's own lines
    fence = False
    for num, line in enumerate(lines, 1):
        if line.strip().startswith("```"):
            fence = not fence
        m = None if fence else MARKER.match(line.strip())
        if not m:
            if current is not None:
                current.append(line)
            continue
        if m.group(1) == "/man":
            current = None
            continue
        page, rest = m.group(2), m.group(3)
        if page not in PAGES:
            raise Fail(f"{cli}:{num}: unknown page {page} (one of {', '.join(PAGES)})")
        source = None
        fm = re.search(r"\s+from=(\S+)$", rest)
        if fm:
            source = fm.group(1)
            rest = rest[:fm.start()]
        section = rest.strip().upper()
        if not section:
            raise Fail(f"{cli}:{num}: a marker without a section")
        current = pages[page].setdefault(section, [])
        if current:
            current.append("")
        if source:
            file, _, anchor = source.partition("#")
            path = os.path.join(docs, file)
            read.add(path)
            pending.append((current, section_body(path, anchor)))
    for block, included in pending:
        block += [""] + included
    return pages, read


def build_page(page, sections, date, version):
    name, num, manual = PAGES[page]
    for needed in ("NAME", "SYNOPSIS", "DESCRIPTION"):
        if needed not in sections:
            raise Fail(f"{page}: docs/cli.md gives it no {needed} section")
    out = [
        '.\\" Generated by scripts/make-man.py from docs/cli.md (and the docs it names): edit those.',
        f'.TH "{name.upper()}" "{num}" "{date}" "se-attest {version}" "{manual}"',
        ".nh",
        ".ad l",
    ]
    names = [s for s in ORDER_HEAD if s in sections]
    names += [s for s in sections if s not in ORDER_HEAD and s not in ORDER_TAIL]
    names += [s for s in ORDER_TAIL if s in sections and s != "SEE ALSO"]
    for section in names:
        body = sections[section]
        out.append('.SH "' + plain(section) + '"')
        if section == "NAME":
            text = " ".join(l.strip() for l in body if l.strip())
            m = re.fullmatch(r"\*\*([^*]+)\*\*\s+—\s+(.+)", text)
            if not m or m.group(1) != name:
                raise Fail(f'{page}: NAME must be one line "**{name}** — summary", not "{text}"')
            out.append(escape(m.group(1), literal=True) + r" \- " + inline(m.group(2)))
            continue
        rendered = render(body, f"{page} {section}")
        if rendered and rendered[0] == ".PP":
            rendered = rendered[1:]
        out += rendered
    out.append('.SH "SEE ALSO"')
    others = [f"\\fB{escape(PAGES[p][0], literal=True)}\\fR({PAGES[p][1]})" for p in PAGES if p != page]
    extra = []
    if "SEE ALSO" in sections:
        extra = [inline(" ".join(l.strip() for l in sections["SEE ALSO"] if l.strip()))]
    out.append(", ".join(others) + ("," if extra else ""))
    out += extra
    # Blank lines are a groff warning; .PP right after .SH/.SS is redundant.
    final = []
    for line in out:
        if line == "":
            continue
        if line == ".PP" and final and (final[-1].startswith((".SH", ".SS", ".TP", ".IP")) or final[-1] == ".PP"):
            continue
        final.append(line)
    return "\n".join(final) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", required=True, help="the docs/ folder")
    parser.add_argument("--out", required=True, help="where to write the pages")
    parser.add_argument("--version", default="", help="the project's version, for the page footer")
    args = parser.parse_args()
    try:
        cli = os.path.join(args.docs, "cli.md")
        pages, read = collect(args.docs, cli)
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        stamp = int(epoch) if epoch else int(max(os.path.getmtime(p) for p in read))
        date = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).strftime("%Y-%m-%d")
        os.makedirs(args.out, exist_ok=True)
        for page, sections in pages.items():
            text = build_page(page, sections, date, args.version)
            target = os.path.join(args.out, page)
            tmp = target + ".tmp"
            with open(tmp, "w", encoding="ascii") as f:
                f.write(text)
            os.replace(tmp, target)
    except (Fail, OSError, UnicodeError, ValueError) as e:
        print(f"make-man.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
