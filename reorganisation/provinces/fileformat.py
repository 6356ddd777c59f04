"""The province file: one JSON document, gzip-compressed, written and read one record per line.

    {"header": {"format": "unionportal-province", "version": 1, …},
    "organisations": [
    {"code": "CD", …},
    {"code": "NR", …}
    ],
    "programmes": [
    …
    ]
    }

Any JSON reader reads it whole (`json.load(gzip.open(path))`); the portal reads it line by line,
so that neither side holds the province in memory. The sections come in the order of SECTIONS,
each once, every one present (empty ones too), and what a record refers to comes before it
(a CĐCS before its monthly rows, a member before their events)."""

import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

FORMAT = "unionportal-province"
VERSION = 1
SECTIONS = (
    "organisations",
    "programmes",
    "quotas",
    "cdcs",
    "affiliations",
    "figures",
    "returns",
    "members",
    "transfers",
    "events",
)
# The member register's sections: personal data (names, birthdays, ID numbers).
REGISTER_SECTIONS = ("members", "transfers", "events")
_HEAD = '{"header": '


class ProvinceFileError(Exception):
    """The file cannot be read as a province file: what and on which line (0: the file as a whole)."""

    def __init__(self, message: str, *, line: int = 0):
        super().__init__(message)
        self.line = line
        self.message = message


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ProvinceFileWriter:
    """Writes the file section by section. The file appears under its name only once complete,
    readable and writable by its owner only (0600: it may hold personal data)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.partial")
        self.written = dict.fromkeys(SECTIONS, 0)
        self._next = 0

    def __enter__(self):
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # whatever the umask, and if the file was there already
        self._raw = os.fdopen(descriptor, "wb")
        self._gzip = gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0)
        return self

    def __exit__(self, kind, value, traceback):
        self._gzip.close()
        self._raw.close()
        if kind is None:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)

    def _write(self, text: str) -> None:
        self._gzip.write(text.encode("utf-8"))

    def header(self, header: dict) -> None:
        self._write(f"{_HEAD}{_dumps(header)},\n")

    def section(self, name: str, records: Iterable[dict]) -> int:
        """Write the next section (in the order of SECTIONS) from `records`; returns how many."""
        if SECTIONS[self._next] != name:
            raise ValueError(f"section {name!r} out of order (expected {SECTIONS[self._next]!r})")
        self._next += 1
        self._write(f'"{name}": [\n')
        written = 0
        for record in records:
            self._write(("" if written == 0 else ",\n") + _dumps(record))
            written += 1
        last = self._next == len(SECTIONS)
        self._write(("\n" if written else "") + ("]\n}\n" if last else "],\n"))
        self.written[name] = written
        return written


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ProvinceFileReader:
    """Reads the file line by line: `header` first, then `records()` yields (section, line
    number, record) in the file's order. `content_sha256` is the digest of every line after the
    header once the records have all been read: the same data exported twice gives the same one."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.content = hashlib.sha256()
        self.line = 0
        self._lines = self._read_lines()
        self.header = self._header()

    @property
    def content_sha256(self) -> str:
        return self.content.hexdigest()

    def _read_lines(self) -> Iterator[str]:
        try:
            with gzip.open(self.path, "rb") as file:
                for raw in file:
                    self.line += 1
                    if self.line > 1:
                        self.content.update(raw)
                    try:
                        yield raw.decode("utf-8").rstrip("\n")
                    except UnicodeDecodeError:
                        raise ProvinceFileError(_("Dòng không phải văn bản UTF-8."), line=self.line) from None
        except (OSError, EOFError, zlib.error):
            raise ProvinceFileError(
                _("Tệp không đọc được như một tệp nén gzip (hỏng hoặc bị cắt cụt) ở dòng %(line)s.")
                % {"line": self.line + 1},
                line=self.line + 1,
            ) from None

    def _next_line(self, expected: str) -> str:
        line = next(self._lines, None)
        if line is None:
            raise ProvinceFileError(_("Tệp kết thúc sớm: còn thiếu %(what)s.") % {"what": expected}, line=self.line + 1)
        return line

    def _header(self) -> dict:
        line = self._next_line(_("phần đầu tệp"))
        if not (line.startswith(_HEAD) and line.endswith(",")):
            raise ProvinceFileError(
                _("Không phải tệp xuất dữ liệu tỉnh của cổng thông tin (không có phần đầu tệp)."), line=1
            )
        header = self._json(line[len(_HEAD) : -1])
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ProvinceFileError(_("Không phải tệp xuất dữ liệu tỉnh của cổng thông tin."), line=1)
        if header.get("version") != VERSION:
            raise ProvinceFileError(
                _("Tệp theo định dạng phiên bản %(version)s; cổng thông tin này đọc phiên bản %(ours)s.")
                % {"version": header.get("version"), "ours": VERSION},
                line=1,
            )
        return header

    def _json(self, text: str):
        try:
            return json.loads(text)
        except ValueError:
            raise ProvinceFileError(_("Dòng không phải JSON hợp lệ."), line=self.line) from None

    def records(self) -> Iterator[tuple[str, int, dict]]:
        for position, name in enumerate(SECTIONS):
            opening = self._next_line(f'"{name}": [')
            if opening != f'"{name}": [':
                raise ProvinceFileError(_("Chờ mục “%(section)s” ở dòng này.") % {"section": name}, line=self.line)
            closing = "]" if position == len(SECTIONS) - 1 else "],"
            while True:
                line = self._next_line(closing)
                if line == closing:
                    break
                record = self._json(line.removesuffix(","))
                if not isinstance(record, dict):
                    raise ProvinceFileError(_("Mỗi dòng dữ liệu phải là một đối tượng JSON."), line=self.line)
                yield name, self.line, record
        if self._next_line("}") != "}" or next(self._lines, None) is not None:
            raise ProvinceFileError(_("Tệp phải kết thúc bằng “}” sau mục cuối."), line=self.line)
