"""Read an article from a file, standard input or a URL into an `Article`.

    read_article(source) -> Article

`source` is a path (`.txt`, `.md`, `.html`/`.htm`, or anything whose content looks like HTML),
`-` for standard input, or an `http(s)://` URL. The bytes are decoded (UTF-8 with or without BOM,
UTF-16/32 with BOM, otherwise detected with charset-normalizer, e.g. Windows-1252), line endings
become ``\\n``, HTML goes through trafilatura for its main text, title and date, and Markdown
loses its markup but keeps its words. Metadata comes, strongest first, from the keyword
arguments, a JSON sidecar beside the file (`story.txt` -> `story.json`), then the document itself.

Every failure is a `GeostoryError`: `InputError` for an article that cannot be read (missing, a
directory, empty, binary, too large, a URL that cannot be fetched), `ConfigurationError` for a
malformed sidecar.

>>> import io
>>> article = read_article("-", stdin=io.BytesIO(b"Talks in Kyiv.\\r\\nThen Warsaw."))
>>> article.text
'Talks in Kyiv.\\nThen Warsaw.'
"""

from __future__ import annotations

import codecs
import datetime as dt
import html as html_lib
import http.client
import json
import logging
import os
import re
import stat
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from .errors import ConfigurationError, InputError
from .model import Article

__all__ = ["read_article"]

log = logging.getLogger(__name__)

USER_AGENT = "geostory (+https://pypi.org/project/geostory/) article reader"
_SIDECAR_LIMIT = 1_000_000
_SURROGATE = re.compile("[\ud800-\udfff]")

_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}

# Signatures of common binary formats someone might pass by mistake.
_MAGIC = {
    b"%PDF-": "a PDF",
    b"PK\x03\x04": "a ZIP/Office document",
    b"\x1f\x8b": "gzip data",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
    b"MZ\x90\x00": "an executable",
    b"SQLite format 3\x00": "an SQLite database",
}

# BOMs, longest first (the UTF-32-LE BOM starts with the UTF-16-LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls other than tab, LF, CR, VT and FF, plus DEL and the C1 block.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\x80-\x9f]")
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|article|p|div|meta|title)\b", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def read_article(
    source: str | os.PathLike[str],
    *,
    stdin: IO[bytes] | None = None,
    date: dt.date | None = None,
    title: str | None = None,
    timeout: float = 20.0,
    max_bytes: int = 10_000_000,
) -> Article:
    """Read the article at `source` (a path, ``-`` for standard input, or an http(s) URL).

    `stdin` is the byte stream ``-`` reads (default `sys.stdin.buffer`). `date` and `title` win
    over a sidecar's, which win over the document's own. `timeout` bounds a URL fetch in seconds;
    `max_bytes` caps what is read from any source.

    >>> import io
    >>> read_article("-", stdin=io.BytesIO(b"# Talks\\n\\nLeaders met in **Kyiv**."),
    ...              title="Kyiv talks").title
    'Kyiv talks'
    """
    name = os.fspath(source)
    if not isinstance(name, str):  # a bytes path
        name = os.fsdecode(name)
    url: str | None = None
    sidecar: dict[str, Any] = {}
    declared: str | None = None
    kind = "auto"  # "html", "markdown", "text" or "auto" (sniff)

    if name == "-":
        label = "<stdin>"
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_stream(stream, label, max_bytes)
    elif _is_url(name):
        label = name
        url = name
        data, declared, content_type = _fetch(name, timeout=timeout, max_bytes=max_bytes)
        if "html" in content_type or "xml" in content_type:
            kind = "html"
        elif "markdown" in content_type:
            kind = "markdown"
    else:
        if not name.strip():
            raise InputError("no article given: pass a path, - for standard input, or a URL")
        label = name if name.isprintable() else repr(name)
        path = Path(name)
        data = _read_file(path, label, max_bytes)
        suffix = path.suffix.lower()
        if suffix in _HTML_SUFFIXES:
            kind = "html"
        elif suffix in _MARKDOWN_SUFFIXES:
            kind = "markdown"
        sidecar = _read_sidecar(path)

    text = decode_bytes(data, label, declared=declared)
    if kind == "auto":
        kind = "html" if _looks_like_html(text) else "text"

    meta: dict[str, Any] = {}
    if kind == "html":
        text, meta = _extract_html(text, url=url)
    elif kind == "markdown":
        text, meta = _strip_markdown(text)
    text = _clean_text(text)
    if not text.strip():
        what = "has no readable text" if kind == "html" else "is empty"
        raise InputError(f"article {label} {what}")

    return Article(
        text=text,
        title=_first(title, sidecar.get("title"), meta.get("title")),
        date=date if date is not None else (sidecar.get("date") or meta.get("date")),
        source=_first(sidecar.get("source"), meta.get("source")),
        url=_first(sidecar.get("url"), url, meta.get("url")),
        path=name,
    )


# --- getting the bytes ----------------------------------------------------------------------


def _is_url(name: str) -> bool:
    return name[:8].lower().startswith(("http://", "https://"))


def _read_stream(stream: IO[bytes], label: str, max_bytes: int) -> bytes:
    try:
        data = stream.read(max_bytes + 1)
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read {label}: {_one_line(err)}") from err
    if isinstance(data, str):  # a text stream passed by mistake
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > max_bytes:
        raise InputError(f"article {label} is larger than {max_bytes} bytes")
    return data


def check_input_file(path: Path, label: str) -> None:
    """Refuse what is not a regular file before opening it: a FIFO with no writer would block the
    open for ever, a device never ends."""
    try:
        info = path.stat()
    except FileNotFoundError as err:
        raise InputError(f"article not found: {label}") from err
    except (OSError, ValueError) as err:  # a name too long, a loop of links, a NUL byte
        raise InputError(f"cannot read {label}: {_one_line(getattr(err, 'strerror', None) or err)}") from err
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"article {label} is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"cannot read {label}: not a regular file (a FIFO, device or socket); "
            "pipe it to standard input with - instead"
        )


def _read_file(path: Path, label: str, max_bytes: int) -> bytes:
    check_input_file(path, label)
    try:
        with path.open("rb") as handle:
            return _read_stream(handle, label, max_bytes)
    except FileNotFoundError as err:
        raise InputError(f"article not found: {label}") from err
    except IsADirectoryError as err:
        raise InputError(f"article {label} is a directory, not a file") from err
    except PermissionError as err:
        raise InputError(f"cannot read {label}: permission denied") from err
    except (OSError, ValueError) as err:  # ValueError: embedded NUL in the path
        raise InputError(f"cannot read {label}: {_one_line(err)}") from err


def _fetch(url: str, *, timeout: float, max_bytes: int) -> tuple[bytes, str | None, str]:
    """GET `url` within one overall deadline of `timeout` seconds; return (body, declared charset,
    content type). Redirects are followed to http(s) URLs only. Failures are one-line InputErrors."""
    from .net import BodyTooLarge, deadline, deadline_opener, read_body

    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
    )
    try:
        with (
            deadline(timeout),
            deadline_opener(redirects="any-host").open(request, timeout=timeout) as response,
        ):
            body = read_body(response, max_bytes=max_bytes)
            charset = response.headers.get_content_charset()
            content_type = (response.headers.get_content_type() or "").lower()
    except urllib.error.HTTPError as err:
        raise InputError(f"could not fetch URL: {url}: HTTP {err.code} {_one_line(err.reason)}") from err
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            reason = f"timed out after {timeout:g} s"
        raise InputError(f"could not fetch URL: {url}: {_one_line(reason)}") from err
    except TimeoutError as err:
        raise InputError(f"could not fetch URL: {url}: timed out after {timeout:g} s") from err
    except BodyTooLarge as err:
        raise InputError(f"could not fetch URL: {url}: {err}") from err
    except http.client.IncompleteRead as err:
        raise InputError(
            f"could not fetch URL: {url}: the body was cut short "
            f"({len(err.partial)} bytes of {len(err.partial) + (err.expected or 0)} arrived)"
        ) from err
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise InputError(f"could not fetch URL: {url}: {_one_line(err) or type(err).__name__}") from err
    return body, charset, content_type


# --- sidecar metadata -------------------------------------------------------------------------


def _read_sidecar(path: Path) -> dict[str, Any]:
    """Metadata from `X.json` beside `X.txt`; {} when there is none."""
    if path.suffix.lower() == ".json":
        return {}
    sidecar = path.with_suffix(".json")
    try:
        if not sidecar.is_file():
            return {}
        data = sidecar.read_bytes()
        if len(data) > _SIDECAR_LIMIT:
            raise ConfigurationError(
                f"malformed sidecar metadata {sidecar}: larger than {_SIDECAR_LIMIT} bytes"
            )
        raw = json.loads(data.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigurationError(f"malformed sidecar metadata {sidecar}: {_one_line(err)}") from err
    if not isinstance(raw, dict):
        raise ConfigurationError(f"malformed sidecar metadata {sidecar}: expected a JSON object")
    meta: dict[str, Any] = {}
    for key in ("title", "source", "url"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigurationError(f"malformed sidecar metadata {sidecar}: {key!r} must be a string")
        value = _without_surrogates(value)
        if value.strip():
            meta[key] = value.strip()
    if raw.get("date") is not None:
        parsed = _parse_date(raw["date"])
        if parsed is None:
            raise ConfigurationError(
                f"malformed sidecar metadata {sidecar}: 'date' must be YYYY-MM-DD, got {raw['date']!r}"
            )
        meta["date"] = parsed
    return meta


def _without_surrogates(text: str) -> str:
    """JSON may escape lone surrogates, which are not text and cannot be written: each becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


# --- decoding ---------------------------------------------------------------------------------


def decode_bytes(data: bytes, label: str = "article", *, declared: str | None = None) -> str:
    """Decode an article's bytes to text with LF line endings, or raise InputError.

    >>> decode_bytes("café\\r\\n".encode("cp1252"))
    'café\\n'
    """
    if not data.strip():
        raise InputError(f"article {label} is empty")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            break
    if text is None:
        for magic, what in _MAGIC.items():
            if data.startswith(magic):
                raise InputError(f"article {label} looks binary ({what}), not text")
        if b"\x00" in data:
            text = _bomless_utf16(data)
            if text is None:
                raise InputError(f"article {label} looks binary (it contains NUL bytes), not text")
    if text is None:
        text = _decode_guess(data, declared)
        if text is None:
            raise InputError(f"article {label} looks binary (no text encoding fits)")
    if "\x00" in text:
        raise InputError(f"article {label} looks binary (it contains NUL characters), not text")
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 20):
        raise InputError(f"article {label} looks binary ({controls} control characters), not text")
    return _normalize_newlines(text)


def _bomless_utf16(data: bytes) -> str | None:
    """Text when `data` is plainly UTF-16 without a BOM (every other byte NUL), else None."""
    if len(data) < 4 or len(data) % 2:
        return None
    odd, even = data[1::2], data[0::2]
    pairs = len(data) // 2
    if odd.count(0) >= 0.9 * pairs and even.count(0) == 0:
        encoding = "utf-16-le"
    elif even.count(0) >= 0.9 * pairs and odd.count(0) == 0:
        encoding = "utf-16-be"
    else:
        return None
    return data.decode(encoding, errors="replace")


def _decode_guess(data: bytes, declared: str | None) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.end == len(data):  # cut mid-character
            return data[: err.start].decode("utf-8") + "\ufffd"
    mixed = _decode_lines(data)
    if mixed is not None:
        return mixed
    for encoding in (declared, _meta_charset(data)):
        if not encoding:
            continue
        try:
            codecs.lookup(encoding)
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    # Windows-1252 (a superset of Latin-1's printable characters) is the most common legacy
    # encoding of Western news text; charset-normalizer hesitates between single-byte encodings
    # on short text, so take cp1252 first when its reading looks like a Western language.
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _plausibly_western(western):
        return western
    from charset_normalizer import from_bytes

    for match in from_bytes(data):
        # Without NUL bytes (handled before) UTF-16/32 readings are artefacts of short input.
        if not match.encoding.startswith(("utf_16", "utf_32")):
            return str(match)
    return None


def _decode_lines(data: bytes) -> str | None:
    """Text that is UTF-8 but for some lines (pasted from a Windows-1252 file, or damaged), line by
    line: UTF-8 lines as UTF-8, the others as Windows-1252 when that reads as a Western language,
    else UTF-8 with U+FFFD where the damage is. None when no line shows UTF-8 (a legacy file)."""
    lines = data.split(b"\n")
    decoded: list[str | None] = []
    utf8 = 0
    for line in lines:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            decoded.append(None)
            continue
        utf8 += not line.isascii()
        decoded.append(text)
    if not utf8:
        return None
    for number, line in enumerate(lines):
        if decoded[number] is None:
            legacy = line.decode("cp1252", errors="replace")
            decoded[number] = (
                legacy
                if "\ufffd" not in legacy and _plausibly_western(legacy)
                else (line.decode("utf-8", errors="replace"))
            )
    return "\n".join(text for text in decoded if text is not None)


def _plausibly_western(text: str) -> bool:
    """True when accented letters are a minority within words, as in French, German, Spanish.

    Cyrillic or Greek bytes read as cp1252 give words made of accented letters ("Ïðèâåò").
    """
    words = [w for w in re.findall(r"[^\W\d_]{3,}", text) if not w.isascii()]
    if not words:
        return not re.search(r"[\x80-\x9f]", text)
    mostly_accented = sum(1 for w in words if sum(not c.isascii() for c in w) * 2 > len(w))
    return mostly_accented <= 0.25 * len(words)


def _meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")


def _clean_text(text: str) -> str:
    """Newlines normalized, stray control characters dropped, outer blank lines trimmed."""
    text = _normalize_newlines(text)
    text = _CONTROL.sub("", text).replace("\x0b", "\n").replace("\x0c", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip("\n")


# --- HTML ---------------------------------------------------------------------------------------


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lstrip()
    return head.startswith("<") and _HTML_SNIFF.search(head) is not None


def _extract_html(document: str, *, url: str | None) -> tuple[str, dict[str, Any]]:
    """Main text and metadata with trafilatura; a plain strip of the markup when it finds none."""
    meta: dict[str, Any] = {}
    text = ""
    try:
        import trafilatura

        result = trafilatura.extract(
            document,
            url=url,
            output_format="json",
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
    except ImportError as err:
        raise ConfigurationError(
            f"reading HTML needs trafilatura: pip install 'trafilatura>=2' lxml_html_clean ({err})"
        ) from err
    except Exception as err:  # noqa: BLE001 - a third-party parser on untrusted markup; fall back
        log.debug("trafilatura failed (%s); stripping the markup instead", err)
        result = None
    if result:
        try:
            data = json.loads(result)
        except json.JSONDecodeError:
            data = {}
        text = data.get("text") or ""
        if isinstance(data.get("title"), str) and data["title"].strip():
            meta["title"] = data["title"].strip()
        parsed = _parse_date(data.get("date"))
        if parsed is not None:
            meta["date"] = parsed
        site = data.get("source-hostname") or data.get("sitename") or data.get("hostname")
        if isinstance(site, str) and site.strip():
            meta["source"] = site.strip()
        if isinstance(data.get("source"), str) and _is_url(data["source"]):
            meta["url"] = data["source"]
    if not text.strip():
        stripped, page_title = _strip_html(document)
        text = stripped
        if page_title and "title" not in meta:
            meta["title"] = page_title
    return text, meta


class _TextStripper(HTMLParser):
    """The character content of HTML, with block elements on their own lines."""

    _SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    _BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "hr",
        "dd",
        "dt",
        "figcaption",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def _strip_html(document: str) -> tuple[str, str | None]:
    stripper = _TextStripper()
    try:
        stripper.feed(document)
        stripper.close()
    except (AssertionError, ValueError):  # html.parser on truly broken markup
        return html_lib.unescape(re.sub(r"<[^>]*>", " ", document)), None
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in "".join(stripper.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    title = " ".join("".join(stripper.title).split()) or None
    return text, title


# --- Markdown -----------------------------------------------------------------------------------

_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.M), replacement)
    for pattern, replacement in (
        (r"^\s{0,3}(?:```|~~~).*$", ""),  # code fences (the code itself stays)
        (r"^\s{0,3}\[[^\]\n]+\]:\s*\S+.*$", ""),  # reference link definitions
        (r"^\s{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", r"\1"),  # ATX headings
        (r"^\s{0,3}(?:=+|-{2,})[ \t]*$", ""),  # setext underlines
        (r"^\s{0,3}(?:[*_-][ \t]*){3,}$", ""),  # horizontal rules
        (r"^[ \t]{0,3}(?:>[ \t]?)+", ""),  # block quotes
        (r"^([ \t]*)[-*+][ \t]+", r"\1"),  # bullets
        (r"!\[([^\]\n]*)\]\([^)\n]*\)", r"\1"),  # images -> alt text
        (r"\[([^\]\n]+)\]\([^)\n]*\)", r"\1"),  # links -> text
        (r"\[([^\]\n]+)\]\[[^\]\n]*\]", r"\1"),  # reference links -> text
        (r"<((?:https?|mailto):[^>\s]+)>", r"\1"),  # autolinks
        (r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>", ""),  # inline HTML tags
        (r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2"),  # strong
        (r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1"),  # *emphasis*
        (r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])", r"\1"),  # _emphasis_
        (r"~~(?=\S)(.+?)(?<=\S)~~", r"\1"),  # strikethrough
        (r"`+([^`\n]+?)`+", r"\1"),  # inline code
        (r"\\([\\`*_{}\[\]()#+\-.!>~|])", r"\1"),  # backslash escapes
    )
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _strip_markdown(text: str) -> tuple[str, dict[str, Any]]:
    """Markdown's words without its markup, and title/date from YAML front matter if any."""
    meta: dict[str, Any] = {}
    front = _FRONT_MATTER.match(text)
    if front:
        import yaml

        try:
            data = yaml.safe_load(front.group(1))
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict):
            text = text[front.end() :]
            if isinstance(data.get("title"), str) and data["title"].strip():
                meta["title"] = data["title"].strip()
            parsed = _parse_date(data.get("date"))
            if parsed is not None:
                meta["date"] = parsed
    heading = re.match(r"\s*#[ \t]+(.+?)[ \t]*#*[ \t]*$", text, re.M)
    if heading and "title" not in meta:
        meta["title"] = heading.group(1)
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text, meta


# --- helpers ----------------------------------------------------------------------------------


def _first(*values: str | None) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
