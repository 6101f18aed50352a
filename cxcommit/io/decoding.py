"""Turning the bytes of a text export into UTF-8, whatever encoding it was saved in.

Order: byte-order marks (UTF-8, UTF-16, UTF-32); UTF-16 without a mark (every other byte zero);
strict UTF-8; a file with UTF-8 lines holding accents beside lines that are not UTF-8 (mixed:
those lines are read as cp1252 and named in a warning, however many they are); otherwise cp1252 (Windows), unless the file has enough non-ASCII
bytes (20 or more) for charset-normalizer to tell it apart from other Western and Central-European
encodings.
"""
from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from cxcommit.errors import FileReadError, Problem

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_GUESSES = ("cp1252", "latin_1", "iso8859_15", "cp1250", "mac_roman", "utf_8")


@dataclass(frozen=True)
class Decoded:
    """UTF-8 bytes of a text file, the encoding it was read as, and any warnings."""

    data: bytes
    encoding: str
    problems: tuple[Problem, ...] = ()


def to_utf8(raw: bytes) -> Decoded:
    """Decode ``raw`` (any usual encoding) and return it as UTF-8 without a byte-order mark."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            if name == "utf-8-sig":
                return _checked_utf8(raw[len(bom):], "utf-8 with BOM")
            return Decoded(_decode(raw[len(bom):], name).encode("utf-8"), f"{name[:6]} with BOM")
    sample = raw[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > 0.4 * len(sample[1::2]) and sample[0::2].count(0) == 0:
        return Decoded(_decode(raw, "utf-16-le").encode("utf-8"), "utf-16-le")
    if len(sample) >= 4 and sample[0::2].count(0) > 0.4 * len(sample[0::2]) and sample[1::2].count(0) == 0:
        return Decoded(_decode(raw, "utf-16-be").encode("utf-8"), "utf-16-be")
    return _checked_utf8(raw, "utf-8")


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileReadError(
            f"The file starts like {encoding} text but byte {exc.start} cannot be read as {encoding}.",
            hint="Save the export again as UTF-8 CSV and upload that.",
        ) from None


# UTF-8 read as Windows-1252 and saved again as UTF-8 ("CafÃ©", "donâ€™t"): a lead byte's letter
# (Â-ô) then one to three continuation bytes' letters (U+0080-U+00BF, or cp1252's 0x80-0x9F)
_CP1252_HIGH = "".join(bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
_DOUBLE_ENCODED = re.compile(f"[\u00c2-\u00f4][\u00a0-\u00bf{_CP1252_HIGH}]{{1,3}}")


def repair_double_encoding(text: str) -> tuple[str, tuple[Problem, ...]]:
    """``text`` with each run that is UTF-8 read as Windows-1252 and saved again as UTF-8 decoded
    once more ("CafÃ©" → "Café", "donâ€™t" → "don’t"), and a warning per kind of run repaired (the
    first 20). A run whose bytes are not UTF-8 stays as it is (it may be meant: "Ã" before "©").

    >>> repair_double_encoding("CafÃ© and donâ€™t, Ã  la")[0]
    'Café and don’t, Ã  la'
    """
    repaired: dict[str, str] = {}

    def fix(match: re.Match) -> str:
        run = match.group(0)
        try:
            good = run.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run
        repaired.setdefault(run, good)
        return good

    if not _DOUBLE_ENCODED.search(text):
        return text, ()
    text = _DOUBLE_ENCODED.sub(fix, text)
    return text, tuple(Problem(f"text saved twice as UTF-8 (read once as Windows-1252) was repaired: "
                               f"“{run}” reads “{good}”", value=run, severity="warning")
                       for run, good in list(repaired.items())[:20])


def _checked_utf8(raw: bytes, name: str) -> Decoded:
    try:
        text, repaired = repair_double_encoding(raw.decode("utf-8"))
        return Decoded(text.encode("utf-8") if repaired else raw, name, repaired)
    except UnicodeDecodeError:
        pass
    # Line by line, never holding the lines as a list: a file of millions of short lines would take
    # tens of bytes per line more than its size.
    bad, first_bad, good_non_ascii = 0, [], 0
    for number, line in enumerate(io.BytesIO(raw), start=1):
        try:
            line.decode("utf-8")
            good_non_ascii += not line.isascii()
        except UnicodeDecodeError:
            bad += 1
            if len(first_bad) < 50:
                first_bad.append(number)
    if good_non_ascii >= min(bad, 3):
        # UTF-8 lines with accents beside lines from another program (a cp1252 file has almost no
        # line that is valid UTF-8 with accents): keep each line's own encoding, whichever is more.
        return _mixed_lines(raw, bad, first_bad)
    encoding = _guessed_encoding(raw)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "cp1252", raw.decode("cp1252", errors="replace")
    return Decoded(text.encode("utf-8"), encoding.replace("_", "-"), _unsure_bytes(raw, encoding))


def _unsure_bytes(raw: bytes, encoding: str) -> tuple[Problem, ...]:
    """Where a file is not UTF-8 and holds too few non-ASCII bytes to tell its encoding (under 20),
    each run of them as read, with its line: a guess to check ("?Œæ" after a question is likely
    bytes damaged in an earlier export, not text), the first 20.

    >>> [p.problem for p in _unsure_bytes(b"id,q\\nR1,Universe?\\x8c\\xe6\\n", "cp1252")]
    ['bytes 8C E6 are not UTF-8 and too few to tell the encoding: read as cp1252, “Œæ”; check the text, it may be damaged']
    """
    if sum(1 for b in raw[:200_000] if b > 127) >= 20:
        return ()
    found = []
    for number, line in enumerate(io.BytesIO(raw[:200_000]), start=1):
        for match in re.finditer(rb"[\x80-\xff]+", line) if not line.isascii() else ():
            run, before = match.group(0), line[max(0, match.start() - 50):match.end()]  # the text it ends
            found.append(Problem(f"bytes {run.hex(' ').upper()} are not UTF-8 and too few to tell the encoding: read as "
                                 f"{encoding}, “{run.decode(encoding, errors='replace')}”; check the text, it may be damaged",
                                 row=number, value=before.decode(encoding, errors="replace").strip(), severity="warning"))
    return tuple(found[:20])


def _mixed_lines(raw: bytes, bad: int, first_bad: list[int]) -> Decoded:
    """Each line in its own encoding: UTF-8 where it reads as UTF-8, cp1252 elsewhere; the first 50
    lines read as cp1252 are named (``first_bad``), the others (of ``bad``) counted."""
    parts, batch = [], []
    for line in io.BytesIO(raw):
        try:
            line.decode("utf-8")
            batch.append(line)
        except UnicodeDecodeError:
            batch.append(line.decode("cp1252", errors="replace").encode("utf-8"))
        if len(batch) >= 10_000:
            parts.append(b"".join(batch))
            batch = []
    parts.append(b"".join(batch))
    problems = tuple(
        Problem("line is not UTF-8 like other lines of the file; read as cp1252 (Windows)",
                row=None, column=None, value=f"line {n}", severity="warning")
        for n in first_bad
    )
    if bad > 50:
        problems += (Problem(f"{bad - 50} more lines not UTF-8; read as cp1252", severity="warning"),)
    return Decoded(b"".join(parts), "mixed: utf-8 and cp1252", problems)


def _guessed_encoding(raw: bytes) -> str:
    """cp1252, unless the first 200,000 bytes hold enough non-ASCII bytes to tell encodings apart and
    another encoding reads them differently."""
    if sum(1 for b in raw[:200_000] if b > 127) < 20:  # too few bytes to tell encodings apart otherwise
        return "cp1252"
    sample = raw[:200_000]
    best = from_bytes(sample, cp_isolation=list(_GUESSES)).best()
    if best is not None and sample.decode(best.encoding, errors="replace") != sample.decode("cp1252", errors="replace"):
        return best.encoding
    return "cp1252"
