"""read_article: files, stdin and URLs in, an Article out, and only GeostoryErrors for bad input."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import json
import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geostory.errors import ConfigurationError, GeostoryError, InputError
from geostory.model import Article
from geostory.read import read_article

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Train to Kyiv | The Daily</title>
<meta property="og:site_name" content="The Daily">
<meta name="date" content="2024-03-05"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Train to Kyiv</h1>
<p>The president travelled by overnight train from Przemysl to Kyiv on Monday, meeting officials
in the capital for talks about the war, air defence and the reconstruction of the power grid.</p>
<p>He then flew to Warsaw, where he met the prime minister. The delegation continued to Berlin
and Paris before returning home on Thursday evening.</p></article>
<script>var tracking = "Moscow";</script>
<footer>Copyright 2024 The Daily. All rights reserved.</footer></body></html>
"""


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- encodings and line endings --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"Talks in Kyiv.\nThen Warsaw.", "Talks in Kyiv.\nThen Warsaw.", id="utf8"),
        pytest.param(b"\xef\xbb\xbfTalks in Z\xc3\xbcrich.", "Talks in Zürich.", id="utf8-bom"),
        pytest.param("Talks in Zürich.\r\n".encode("utf-16"), "Talks in Zürich.", id="utf16-bom"),
        pytest.param("Talks in Genève.".encode("utf-16-be"), "Talks in Genève.", id="utf16be-no-bom"),
        pytest.param(
            "Café in Köln, naïve résumé.".encode("latin-1"), "Café in Köln, naïve résumé.", id="latin1"
        ),
        pytest.param("He said “Kraków” – twice…".encode("cp1252"), "He said “Kraków” – twice…", id="cp1252"),
        pytest.param(
            "Президент прибыл в Москву и Киев.".encode("cp1251"),
            "Президент прибыл в Москву и Киев.",
            id="cp1251",
        ),
        pytest.param(b"one\r\ntwo\rthree\n", "one\ntwo\nthree", id="crlf-and-cr"),
    ],
)
def test_read_decodes_encodings_and_normalizes_newlines(tmp_path, data, expected):
    article = read_article(write(tmp_path, "a.txt", data))
    assert article.text == expected


def test_read_accepts_very_long_lines_and_megabyte_articles(tmp_path):
    line = "The convoy drove from Lviv to Kyiv. " * 40_000  # one 1.4 MB line
    article = read_article(write(tmp_path, "long.txt", line))
    assert len(article.text) == len(line.strip())


# --- bad input: one clear InputError naming the path ----------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "is empty", id="empty"),
        pytest.param(b" \n\t\r\n ", "is empty", id="whitespace"),
        pytest.param(b"abc\x00\x01\x02def" * 10, "looks binary", id="nul-bytes"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "looks binary", id="pdf"),
        pytest.param(bytes(range(1, 32)) * 20, "looks binary", id="control-chars"),
    ],
)
def test_read_rejects_empty_and_binary(tmp_path, data, message):
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(InputError, match=message) as info:
        read_article(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_read_missing_path_names_it(tmp_path):
    with pytest.raises(InputError, match="not found: .*missing.txt"):
        read_article(tmp_path / "missing.txt")


def test_read_directory_names_it(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_article(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_read_unreadable_file(tmp_path):
    path = write(tmp_path, "secret.txt", "Kyiv")
    path.chmod(0)
    with pytest.raises(InputError, match="cannot read .*secret.txt"):
        read_article(path)


def test_read_rejects_more_than_max_bytes(tmp_path):
    with pytest.raises(InputError, match="larger than 10 bytes"):
        read_article(write(tmp_path, "a.txt", "x" * 11), max_bytes=10)


# --- stdin ---------------------------------------------------------------------------------------


def test_read_stdin_dash():
    article = read_article("-", stdin=io.BytesIO("Talks in Zürich.\r\n".encode()))
    assert article == Article(text="Talks in Zürich.", path="-")


def test_read_stdin_sniffs_html():
    article = read_article("-", stdin=io.BytesIO(ARTICLE_HTML.encode()))
    assert "Przemysl to Kyiv" in article.text
    assert "tracking" not in article.text


# --- HTML and Markdown ---------------------------------------------------------------------------


def test_read_html_extracts_main_text_title_and_date(tmp_path):
    article = read_article(write(tmp_path, "story.html", ARTICLE_HTML))
    assert "from Przemysl to Kyiv on Monday" in article.text
    assert "All rights reserved" not in article.text
    assert "<" not in article.text
    assert article.title == "Train to Kyiv"
    assert article.date == dt.date(2024, 3, 5)


def test_read_html_sniffed_from_content_of_a_txt_file(tmp_path):
    article = read_article(write(tmp_path, "story.txt", ARTICLE_HTML))
    assert "from Przemysl to Kyiv" in article.text
    assert "<p>" not in article.text


def test_read_tiny_html_falls_back_to_plain_strip(tmp_path):
    article = read_article(
        write(
            tmp_path,
            "tiny.htm",
            "<html><head><title>T</title></head><body><p>Paris &amp; Lyon</p></body></html>",
        )
    )
    assert article.text == "Paris & Lyon"


def test_read_html_with_declared_legacy_charset(tmp_path):
    page = '<html><head><meta charset="windows-1252"></head><body><p>Köln und Zürich</p></body></html>'
    article = read_article(write(tmp_path, "legacy.html", page.encode("cp1252")))
    assert "Köln und Zürich" in article.text


def test_read_markdown_strips_markup_keeps_words(tmp_path):
    md = (
        "# Leaders meet in Kyiv\n\n"
        "The **president** travelled to [Kyiv](https://example.org/kyiv) and _then_ to *Lviv*.\n"
        "Files like snake_case_name.txt stay intact; `code` too.\n\n"
        "- Warsaw\n- Berlin\n\n> Paris, said the minister.\n\n![map of Odesa](map.png)\n"
    )
    article = read_article(write(tmp_path, "story.md", md))
    assert article.text == (
        "Leaders meet in Kyiv\n\n"
        "The president travelled to Kyiv and then to Lviv.\n"
        "Files like snake_case_name.txt stay intact; code too.\n\n"
        "Warsaw\nBerlin\n\nParis, said the minister.\n\nmap of Odesa"
    )
    assert article.title == "Leaders meet in Kyiv"


def test_read_markdown_front_matter_gives_metadata(tmp_path):
    md = "---\ntitle: Summit\ndate: 2023-05-20\n---\nLeaders met in Hiroshima.\n"
    article = read_article(write(tmp_path, "story.md", md))
    assert (article.text, article.title, article.date) == (
        "Leaders met in Hiroshima.",
        "Summit",
        dt.date(2023, 5, 20),
    )


# --- sidecar metadata ------------------------------------------------------------------------------


def test_read_sidecar_metadata(tmp_path):
    path = write(tmp_path, "story.txt", "Talks in Kyiv.")
    write(
        tmp_path,
        "story.json",
        json.dumps(
            {"date": "2024-02-01", "source": "Reuters", "title": "Talks", "url": "https://example.org/a"}
        ),
    )
    article = read_article(path)
    assert article == Article(
        text="Talks in Kyiv.",
        title="Talks",
        date=dt.date(2024, 2, 1),
        source="Reuters",
        url="https://example.org/a",
        path=str(path),
    )


def test_read_explicit_arguments_beat_sidecar_beat_document(tmp_path):
    path = write(tmp_path, "story.html", ARTICLE_HTML)
    write(tmp_path, "story.json", json.dumps({"title": "Sidecar title"}))
    article = read_article(path, date=dt.date(2020, 1, 2))
    assert article.title == "Sidecar title"  # sidecar over the page's own title
    assert article.date == dt.date(2020, 1, 2)  # argument over the page's date
    assert read_article(path, title="Mine").title == "Mine"


@pytest.mark.parametrize(
    "sidecar",
    ['{"date": "2024-02-', '["a list"]', '{"date": "yesterday"}', '{"title": 3}', b"\xff\xfe\x00garbage"],
)
def test_read_malformed_sidecar_is_configuration_error_naming_it(tmp_path, sidecar):
    path = write(tmp_path, "story.txt", "Talks in Kyiv.")
    write(tmp_path, "story.json", sidecar)
    with pytest.raises(ConfigurationError, match="story.json"):
        read_article(path)


# --- URLs ------------------------------------------------------------------------------------------


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/story":
            body = ARTICLE_HTML.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        elif self.path == "/latin":
            body = "Köln und Zürich, sagte er.".encode("latin-1")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=iso-8859-1")
        else:
            body = b"nope"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def pages():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_read_url_fetches_and_extracts(pages):
    article = read_article(f"{pages}/story")
    assert "from Przemysl to Kyiv" in article.text
    assert article.url == f"{pages}/story"
    assert article.path == f"{pages}/story"
    assert article.title == "Train to Kyiv"


def test_read_url_uses_declared_charset(pages):
    assert read_article(f"{pages}/latin").text == "Köln und Zürich, sagte er."


def test_read_url_http_error_is_one_line(pages):
    with pytest.raises(InputError, match=r"^could not fetch URL: .*/missing: HTTP 404") as info:
        read_article(f"{pages}/missing")
    assert "\n" not in str(info.value)


def test_read_url_dead_port_is_input_error():
    with pytest.raises(InputError, match="^could not fetch URL: http://127.0.0.1:9/x"):
        read_article("http://127.0.0.1:9/x", timeout=2)


def test_read_url_size_cap(pages):
    with pytest.raises(InputError, match="larger than 100 bytes"):
        read_article(f"{pages}/story", max_bytes=100)


# --- property: never anything but GeostoryError; no NUL, no CR -------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(max_size=200).map(lambda t: t.encode("utf-16", "surrogatepass")),
        st.text(alphabet=st.characters(max_codepoint=255), max_size=300).map(lambda t: t.encode("latin-1")),
    ),
    suffix=st.sampled_from([".txt", ".md", ".html", ".dat"]),
)
def test_read_random_input_raises_only_geostory_errors(tmp_path, payload, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(payload)
    try:
        article = read_article(path)
    except GeostoryError:
        return
    assert "\x00" not in article.text
    assert "\r" not in article.text
    assert article.text.strip()
