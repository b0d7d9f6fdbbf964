"""The theme in the handbook's language: every UI string goes through the catalogue, German is
complete, a handbook can reword any string, and dates and numbers follow the language."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from babel.messages.extract import extract, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment, Doctype
from jinja2 import Environment

from conftest import EXAMPLE, render, run_cli
from ladderdocs.text.i18n import LOCALE_DIR, Messages, Phrase, script_messages

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "themes" / "default" / "templates"
SCRIPTS = REPO / "themes" / "default" / "static"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Nn_": (1, 2)}
SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "label")
WORDS = re.compile(r"[^\W\d_]{2}")
PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")


def skeleton(source: str) -> str:
    """A template's own HTML with every {{ value }} as '§' and every {% tag %} and comment gone."""
    env = Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    return "".join(value if kind == "data" else "§" if kind == "variable_begin" else ""
                   for _, kind, value in env.lex(source))


def literal_text(source: str) -> list[str]:
    """Words a template shows that no catalogue call wraps: text nodes and shown attributes."""
    soup = BeautifulSoup(skeleton(source), "html.parser")
    found = [str(node).strip() for node in soup.find_all(string=True)
             if not isinstance(node, (Comment, Doctype)) and node.parent.name not in ("code", "pre", "script", "style")
             and WORDS.search(node)]
    found += [f"{tag.name}[{name}]={tag[name]}" for tag in soup.find_all(True) for name in SHOWN_ATTRIBUTES
              if WORDS.search(tag.get(name) or "")]
    return found


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_shows_words_outside_the_catalogue(template: str) -> None:
    assert literal_text((TEMPLATES / template).read_text(encoding="utf-8")) == []


def test_the_check_finds_literal_words() -> None:
    """The check above bites: text, an aria-label and a value next to words are all caught."""
    assert literal_text('<p>Skip to content</p><nav aria-label="Main"></nav><p>{{ n }} levels</p>') == [
        "Skip to content", "§ levels", "nav[aria-label]=Main"]
    assert literal_text('<p>{{ _("Skip") }}</p><nav aria-label="{{ _(\'Main\') }}"></nav><code>ladderdocs</code>') == []


def extracted() -> dict[str | tuple[str, str], set[str]]:
    """Every message the code and theme mark, as Babel finds them with the project's babel.cfg."""
    method_map, options_map = parse_mapping_cfg(StringIO((REPO / "babel.cfg").read_text(encoding="utf-8")))
    found: dict[str | tuple[str, str], set[str]] = {}
    for filename, _, message, _, _ in extract_from_dir(str(REPO), method_map, options_map, keywords=KEYWORDS):
        found.setdefault(message if isinstance(message, str) else tuple(message), set()).add(filename)
    return found


def catalogue(path: Path) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    with path.open("rb") as file:
        return {(m.id if isinstance(m.id, str) else tuple(m.id)): m.string for m in read_po(file) if m.id}


def test_the_catalogue_template_holds_every_marked_message_and_no_other() -> None:
    """ladderdocs.pot is what `pybabel extract` writes today (the README's steps), so translators
    see every string."""
    assert set(extracted()) == set(catalogue(LOCALE_DIR / "ladderdocs.pot"))


def test_german_translates_every_message_with_the_same_placeholders() -> None:
    german = catalogue(LOCALE_DIR / "de" / "LC_MESSAGES" / "ladderdocs.po")
    marked = extracted()
    assert set(marked) <= set(german), "untranslated: " + ", ".join(map(str, set(marked) - set(german)))
    for message, translation in german.items():
        sources = [message] if isinstance(message, str) else list(message)
        forms = [translation] if isinstance(translation, str) else list(translation)
        assert all(forms), f"empty translation of {message!r}"
        wanted = {p for source in sources for p in PLACEHOLDER.findall(source)}
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) | {"%(num)s"} >= wanted, (message, form)
            assert set(PLACEHOLDER.findall(form)) <= wanted | {"%(num)s"}, (message, form)


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.js")))
def test_the_build_finds_the_script_messages_babel_finds(script: str) -> None:
    """static/messages.js is made from a quick scan of the scripts: it must agree with Babel."""
    source = (SCRIPTS / script).read_text(encoding="utf-8")
    babel = [m if isinstance(m, str) else tuple(m) for _, m, _, _ in
             extract("javascript", BytesIO(source.encode()), keywords={"_": None, "ngettext": (1, 2)})]
    assert script_messages(source) == list(dict.fromkeys(babel))


def german_example(tmp_path: Path, extra: str = "") -> dict[str, bytes]:
    content = tmp_path / "handbook"
    shutil.copytree(EXAMPLE, content)
    settings = content / "handbook.yml"
    text = settings.read_text(encoding="utf-8").replace("language: en", "language: de")
    settings.write_text(text + extra, encoding="utf-8")
    return render(content).files


def english_ui_patterns() -> re.Pattern[str]:
    """Every UI message whose German differs, as a pattern for a whole text (values as wildcards)."""
    german = catalogue(LOCALE_DIR / "de" / "LC_MESSAGES" / "ladderdocs.po")
    sources: list[str] = []
    for message, translation in german.items():
        pairs = zip([message] if isinstance(message, str) else message,
                    [translation] if isinstance(translation, str) else translation)
        sources += [source for source, text in pairs if source != text and WORDS.search(PLACEHOLDER.sub("", source))]
    def pattern(source: str) -> str:  # a count is digits; any other value, any text
        return "".join(r"\d+" if part == "%(num)s" else ".+?" if part.startswith("%(") else re.escape(part)
                       for part in re.split(r"(%\(\w+\)s)", source.replace("%%", "%")))
    alternatives = [pattern(source) for source in sorted(set(sources), key=len, reverse=True)]
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


# Elements whose words come from the handbook itself (its prose, titles and expectations), not the theme.
HANDBOOK_WORDS = (".prose > :not(.page-meta), .toc ul, .expectations, .inherited-list, .diff-list, .diff-kept ul, "
                  ".map-level")  # the map of the moves writes level titles a line per word


def test_a_german_build_shows_no_english_ui_string(tmp_path: Path) -> None:
    files = german_example(tmp_path)
    english = english_ui_patterns()
    leftovers: dict[str, set[str]] = {}
    pages = [path for path in files if path.endswith(".html")]
    for path in pages:
        soup = BeautifulSoup(files[path].decode("utf-8"), "html.parser")
        for element in soup.select(HANDBOOK_WORDS):
            element.decompose()
        texts = [" ".join(node.split()) for node in soup.find_all(string=True)
                 if not isinstance(node, (Comment, Doctype)) and node.parent.name not in ("script", "style", "code")]
        texts += [tag[name] for tag in soup.find_all(True) for name in SHOWN_ATTRIBUTES if tag.get(name)]
        texts += [" ".join(tag.get_text().split()) for tag in soup.find_all(["p", "li", "h1", "h2", "h3", "caption",
                                                                              "summary", "th", "td", "title", "desc"])]
        for text in texts:
            if text and english.fullmatch(text):
                leftovers.setdefault(text, set()).add(path)
    assert leftovers == {}
    assert len(pages) > 50


def test_a_german_build_speaks_german(tmp_path: Path) -> None:
    files = german_example(tmp_path)

    def page(path: str) -> BeautifulSoup:
        return BeautifulSoup(files[path].decode("utf-8"), "html.parser")

    home = page("index.html")
    assert home.html["lang"] == "de"
    assert home.select_one("a.skip-link").get_text() == "Zum Inhalt springen"
    assert [a.get_text() for a in home.select(".site-nav a")][:3] == ["Laufbahnen", "Kompetenzen", "Vergleichen"]
    parity = page("parity/index.html")
    assert "Befunde" in parity.select_one("#findings").get_text()
    # a date as German writes it, machine-readable beside it
    time = parity.select_one("table.parity-table time")
    assert re.fullmatch(r"\d{1,2}\. \w+ \d{4}", time.get_text()), time.get_text()
    assert dt.date.fromisoformat(time["datetime"])
    messages = files["static/messages.js"].decode("utf-8")
    assert '"No results": "Keine Treffer"' in messages
    index = files["search-index.js"].decode("utf-8")
    assert '["Stufen",' in index and "Ebene" in index  # result groups and subtitles


def test_a_handbook_rewords_any_string_in_any_language(tmp_path: Path) -> None:
    files = german_example(tmp_path, 'strings:\n  Tracks: Karrierepfade\n  "No results": Nichts gefunden\n'
                                     '  "%(num)s finding": "%(num)s Auffälligkeit"\n')
    home = BeautifulSoup(files["index.html"].decode("utf-8"), "html.parser")
    assert [a.get_text() for a in home.select(".site-nav a")][0] == "Karrierepfade"
    assert '"No results": "Nichts gefunden"' in files["static/messages.js"].decode("utf-8")
    assert "Karrierepfade" in files["search-index.js"].decode("utf-8")


def test_an_english_build_ships_no_translations_it_does_not_need() -> None:
    files = render(EXAMPLE).files
    assert files["static/messages.js"] == b"window.LADDERDOCS_MESSAGES={};\n"


@pytest.mark.parametrize("language, expected", [
    ("en", "the maximum of Staff (₹42,00,000) is 12.5% below Manager; 1 band of A, B, and C as of July 1, 2026"),
    ("de", "das Maximum von Staff (₹42,00,000) liegt 12,5 % unter Manager; 1 Band von A, B und C, Stand 1. Juli 2026"),
])
def test_a_phrase_is_written_in_the_readers_language(language: str, expected: str) -> None:
    """Values keep their own form (money is the zone's); lists, decimals and dates take the reader's."""
    from decimal import Decimal
    overrides = {"the maximum of %(level)s (%(amount)s) is %(below)s%% below %(other)s; %(num)s band of %(names)s "
                 "as of %(date)s": "das Maximum von %(level)s (%(amount)s) liegt %(below)s %% unter %(other)s; "
                 "%(num)s Band von %(names)s, Stand %(date)s"} if language == "de" else {}
    phrase = Phrase.of(("the maximum of %(level)s (%(amount)s) is %(below)s%% below %(other)s; %(num)s band of "
                        "%(names)s as of %(date)s", "…bands…"), count=1, level="Staff", amount="₹42,00,000",
                       below=Decimal("12.5"), other="Manager", names=("A", "B", "C"), date=dt.date(2026, 7, 1))
    assert Messages(language, overrides).phrase(phrase) == expected


def test_plural_forms_follow_the_count() -> None:
    german = Messages("de")
    assert german.ngettext("%(num)s finding", "%(num)s findings", 1) == "1 Befund"
    assert german.ngettext("%(num)s finding", "%(num)s findings", 3) == "3 Befunde"
    assert Messages("en").ngettext("%(num)s finding", "%(num)s findings", 0) == "0 findings"
    assert Messages("de-AT").text("Tracks") == "Laufbahnen"  # a regional tag falls back to its language
    assert Messages("fr").text("Tracks") == "Tracks"          # a language with no catalogue speaks English


def test_a_handbooks_wording_is_text_not_html(tmp_path: Path) -> None:
    files = german_example(tmp_path, 'strings:\n  Tracks: "<script>alert(1)</script>"\n')
    home = files["index.html"].decode("utf-8")
    assert "<script>alert(1)" not in home and "&lt;script&gt;alert(1)&lt;/script&gt;" in home


@pytest.mark.parametrize("wording, expected", [
    ('"Pay parity": "Gehalt 100%"', "has a % that is not a placeholder; expected %% for a percent sign"),
    ('"Grade %(grade)s": "Ebene %(level)s"', "uses %(level)s, which the theme does not fill here"),
])
def test_wording_the_theme_cannot_fill_is_an_error_at_its_line(wording: str, expected: str, tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(EXAMPLE, content)
    settings = content / "handbook.yml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    settings.write_text("\n".join([*lines, "strings:", f"  {wording}"]) + "\n", encoding="utf-8")
    result = run_cli("check", "-c", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"handbook.yml:{len(lines) + 2}:" in result.stderr and expected in result.stderr


def test_wording_of_a_string_the_theme_lacks_is_a_warning(tmp_path: Path) -> None:
    content = tmp_path / "handbook"
    shutil.copytree(EXAMPLE, content)
    settings = content / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + 'strings:\n  "Trakcs": Laufbahnen\n', encoding="utf-8")
    assert "'Trakcs' is not a string of the theme" in run_cli("check", "-c", str(content)).stderr
    assert run_cli("check", "--strict", "-c", str(content)).returncode == 1
