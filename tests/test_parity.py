"""Pay parity: what `check` reports and what the parity pages show, from the same findings.

fixtures/parity/every-finding breaks every parity promise once; its expected.txt lists the
findings (location, severity, kind, words of the message) that must be reported.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import EXAMPLE, FIXTURES, MINI, REPO, built, run_cli
from ladderdocs.checks.parity import LABELS
from ladderdocs.text.money import format_money

EVERY = FIXTURES / "parity" / "every-finding"
FINDING = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info): (?P<message>.*)$")
BADGES = {"error": "Error", "warning": "Warning", "info": "Note"}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def expected_findings() -> list[tuple[str, str, str, str]]:
    """(location, severity, kind, words) per line of expected.txt."""
    lines = (EVERY / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split(" ", 3)) for line in lines if line and not line.startswith("#")]  # type: ignore[misc]


def reported(stderr: str) -> list[re.Match[str]]:
    return [m for m in map(FINDING.match, stderr.splitlines()) if m]


def location(match: re.Match[str], root: Path) -> str:
    """'ladder/comp.yml:17' for a reported line (paths are printed relative to run_cli's cwd)."""
    return f"{(REPO / match['file']).resolve().relative_to(root.resolve()).as_posix()}:{match['line']}"


@pytest.fixture(scope="module")
def every_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(EVERY, tmp_path_factory.mktemp("every") / "site")


def test_check_reports_every_finding_at_its_band(tmp_path: Path) -> None:
    result = run_cli("check", "-c", str(EVERY))
    assert result.returncode == 0, result.stderr  # not strict: findings are reported, not fatal
    found = reported(result.stderr)
    expected = expected_findings()
    assert len(found) == len(expected), result.stderr
    for where, severity, _kind, words in expected:
        assert any(location(m, EVERY) == where and m["severity"] == severity and words in m["message"]
                   for m in found), f"{where} {severity}: {words}\n{result.stderr}"
    assert "pay parity: 5 errors, 3 warnings, 2 notes" in result.stdout
    assert "--strict" in result.stdout  # says how to make the errors fail


def test_every_finding_type_is_covered_by_the_fixture() -> None:
    assert {kind for _, _, kind, _ in expected_findings()} == set(LABELS)


def test_strict_or_the_setting_fails_on_parity_errors(tmp_path: Path) -> None:
    strict = run_cli("check", "--strict", "-c", str(EVERY))
    assert strict.returncode == 1
    assert "below Manager 2" in strict.stderr and "Traceback" not in strict.stderr

    handbook = tmp_path / "handbook"
    shutil.copytree(EVERY, handbook)
    settings = handbook / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "  strict: true\n", encoding="utf-8")
    assert run_cli("check", "-c", str(handbook)).returncode == 1
    build = run_cli("build", "-c", str(handbook), "-o", str(tmp_path / "site"))
    assert build.returncode == 1 and not (tmp_path / "site").exists()


def test_warnings_alone_never_fail_a_strict_check(stale_example_site: Path) -> None:
    result = run_cli("check", "--strict", "-c", str(stale_example_site / "content"))
    assert result.returncode == 0, result.stderr  # nor do notes (the example's tilts)
    assert [m["severity"] for m in reported(result.stderr) if m["severity"] != "info"] == ["warning"]


def test_every_finding_is_shown_in_full_on_its_zones_page(every_site: Path) -> None:
    """A zone's page lists its own findings and those across the ladder, and links the other
    zones with their counts: together the pages show every finding, and each page stays small."""
    comp = yaml.safe_load((EVERY / "ladder" / "comp.yml").read_text(encoding="utf-8"))
    shown = {}
    for zone in comp["zones"]:
        page = soup(every_site / "parity" / ("" if zone is comp["zones"][0] else zone["id"]) / "index.html")
        items = page.select("ul.findings > li")
        shown.update({li["id"]: li for li in items})
        elsewhere = page.select_one(".findings-elsewhere")
        counted = [int(n) for n in re.findall(r"\((\d+) findings?\)", elsewhere.get_text())] if elsewhere else []
        assert len(items) + sum(counted) == len(expected_findings()), zone["id"]
        for link in page.select(".findings-elsewhere a"):
            assert (page_dir(every_site, zone, comp) / link["href"]).resolve().joinpath("index.html").is_file()
    assert len(shown) == len(expected_findings())
    for where, severity, kind, words in expected_findings():
        matching = [li for li in shown.values() if words in li.get_text(" ", strip=True)]
        assert len(matching) >= 1, words
        li = matching[0]
        assert li.select_one(".badge").get_text() == BADGES[severity]
        assert li.select_one(".finding-kind").get_text().rstrip(":") == LABELS[kind]
        assert li.code.get_text() == where  # relative to the handbook: no build paths published
    # dates as the reader's language writes them on the page; as the YAML writes them for `check`
    assert any("is as of January 15, 2024, 1021 days before November 1, 2026" in li.get_text() for li in shown.values())


def page_dir(site: Path, zone: dict, comp: dict) -> Path:
    return site / "parity" / ("" if zone is comp["zones"][0] else zone["id"])


def test_parity_table_flags_the_rows_concerned(every_site: Path) -> None:
    page = soup(every_site / "parity" / "index.html")  # United States
    flags = {tr["data-level"]: [a.get_text() for a in tr.select("a.flag")] for tr in page.select("tr[data-level]")}
    assert flags["ic2"] == ["Below management", "Overlap", "Tilt"]
    assert flags["ic3"] == ["Below management", "Tilt"]
    assert flags["m5"] == ["Goes down", "Goes down"]
    assert flags["ic4"] == ["Ladder ends low", "No counterpart"]
    assert flags["ic1"] == [] and flags["m2"] == []
    for link in page.select("a.flag"):  # every flag leads to its finding
        assert page.find(id=link["href"].lstrip("#")) is not None


def test_example_findings_are_what_its_data_says(example_site: Path) -> None:
    """The example's bands are all within a year of its as_of and within the tolerance: only the
    tilts are noted, in the three zones whose IC midpoints are below management at most grades."""
    settings = yaml.safe_load((EXAMPLE / "handbook.yml").read_text(encoding="utf-8"))
    comp = yaml.safe_load((EXAMPLE / "ladder" / "comp.yml").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(str(settings["as_of"]))
    stale = [s["zone"] for s in comp["band_sets"] if s.get("audience") != "internal"
             and (as_of - dt.date.fromisoformat(str(s["as_of"]))).days > settings["parity"]["stale_after_days"]]
    assert stale == []
    found = reported(run_cli("check", "-c", str(EXAMPLE)).stderr)
    assert [(m["severity"], m["message"].split(",")[0]) for m in found] == [
        ("info", "in Australia"), ("info", "in Philippines"), ("info", "in Nepal")]
    home = soup(example_site / "index.html").select_one(".parity-summary")
    assert "0 errors, 0 warnings, 3 notes" in home.get_text() and home.find("a", href="parity/") is not None
    assert soup(example_site / "parity" / "index.html").select("ul.findings > li") == []  # the US: no tilt


def test_a_stale_band_set_is_the_one_finding_of_the_example(stale_example_site: Path) -> None:
    """Age the Nepal band set past stale_after_days: check and the parity page name it, and only it."""
    content = stale_example_site / "content"
    comp_text = (content / "ladder" / "comp.yml").read_text(encoding="utf-8")
    found = reported(run_cli("check", "-c", str(content)).stderr)
    found = [m for m in found if m["severity"] != "info"]  # the example's tilts
    assert [(m["severity"], location(m, content).split(":")[0]) for m in found] == [("warning", "ladder/comp.yml")]
    lines = comp_text.splitlines()
    set_start = lines.index("  - zone: np") + 1
    set_end = next(i for i in range(set_start, len(lines)) if lines[i].startswith("  - zone:"))
    assert set_start < int(found[0]["line"]) <= set_end  # points into the Nepal band set
    site = stale_example_site / "site"
    assert "0 errors, 1 warning, 3 notes" in soup(site / "index.html").select_one(".parity-summary").get_text()
    parity = soup(site / "parity" / "index.html")  # United States: it points to Nepal's page
    assert "0 errors, 1 warning, 3 notes" in parity.select_one(".parity-total").get_text()
    assert not parity.select("ul.findings > li")
    assert parity.select_one(".findings-elsewhere").get_text().endswith("Nepal (2 findings).")
    nepal = soup(site / "parity" / "np" / "index.html")
    assert [li.select_one(".finding-kind").get_text() for li in nepal.select("ul.findings > li")] == ["Stale:", "Tilt:"]


def band_numbers(comp: dict, zone_id: str) -> dict[str, tuple[float, float | None, float]]:
    return {level: (b["min"], b.get("mid"), b["max"]) for s in comp["band_sets"]
            if s["zone"] == zone_id and s.get("audience") != "internal" for level, b in s["bands"].items()}


def digits(text: str) -> float | None:
    found = re.sub(r"[^\d.]", "", text)
    return float(found) if found else None


def test_chart_and_table_numbers_equal_the_data(example_site: Path) -> None:
    comp = yaml.safe_load((EXAMPLE / "ladder" / "comp.yml").read_text(encoding="utf-8"))
    public = [z for z in comp["zones"] if z.get("audience") != "internal"]
    for zone in public:
        expected = band_numbers(comp, zone["id"])
        locale = zone.get("locale", "en")
        page = soup(example_site / "parity" / zone["id"] / "index.html")
        figure = page.select_one("figure.parity-figure")
        assert zone["currency"] in figure.find(id=figure["aria-labelledby"]).get_text()
        bars = figure.select("li.chart-bar")
        drawn = {li["data-level"]: (float(li["data-min"]), float(li["data-mid"]) if li.has_attr("data-mid") else None,
                                    float(li["data-max"])) for li in bars}
        assert drawn == expected
        for li in bars:  # the text beside each bar names the same amounts, in the zone's currency
            low, mid, high = expected[li["data-level"]]
            value = li.select_one(".chart-value").get_text()
            assert format_money(low, zone["currency"], locale) in value
            assert format_money(high, zone["currency"], locale) in value
            assert mid is None or format_money(mid, zone["currency"], locale) in value
        # the bars are drawn to one linear scale, the axis's: x = 1000 * (amount - first tick) / (last - first)
        ticks = [digits(t.get_text()) for t in figure.select(".chart-axis .chart-tick-label")]
        first, last = ticks[0], ticks[-1]
        ends = [(float(li.rect["x"]), expected[li["data-level"]][0]) for li in bars] + [
            (float(li.rect["x"]) + float(li.rect["width"]), expected[li["data-level"]][2]) for li in bars]
        assert all(abs(x - 1000 * (v - first) / (last - first)) < 0.2 for x, v in ends)
        # the axis is labelled from below the smallest amount to the largest one or beyond
        assert first <= min(low for low, _, _ in expected.values())
        assert last >= max(high for _, _, high in expected.values())
        symbol = format_money(0, zone["currency"], locale)[:-1]
        assert len(ticks) >= 2 and all(t.get_text().startswith(symbol) for t in figure.select(".chart-tick-label"))

        rows = {tr["data-level"]: tuple(digits(td.get_text()) for td in tr.select("td.num"))
                for tr in page.select("table.parity-table tr[data-level]")}
        assert rows == expected


def test_every_band_shows_its_date_and_source(stale_example_site: Path) -> None:
    example_site = stale_example_site / "site"
    comp = yaml.safe_load((stale_example_site / "content" / "ladder" / "comp.yml").read_text(encoding="utf-8"))
    np_set = next(s for s in comp["band_sets"] if s["zone"] == "np")
    page = soup(example_site / "parity" / "np" / "index.html")
    rows = page.select("table.parity-table tr[data-level]")
    assert len(rows) == len(np_set["bands"])
    for tr in rows:
        assert tr.time["datetime"] == str(np_set["as_of"])
        assert tr.select_one("td.source").get_text(strip=True) == np_set["source"]
        assert "Stale" in tr.get_text()  # older than stale_after_days on the handbook's as_of
    us = soup(example_site / "parity" / "index.html")
    assert "Stale" not in us.select_one("table.parity-table").get_text()


def test_staleness_is_judged_against_the_set_date_not_the_clock(mini_copy: Path) -> None:
    settings = mini_copy / "handbook.yml"
    text = settings.read_text(encoding="utf-8")
    assert not reported(run_cli("check", "-c", str(mini_copy)).stderr)
    settings.write_text(text.replace("as_of: 2026-11-01", "as_of: 2027-08-01"), encoding="utf-8")
    found = reported(run_cli("check", "-c", str(mini_copy)).stderr)
    assert [m["severity"] for m in found] == ["warning"] and "396 days before 2027-08-01" in found[0]["message"]


def test_internal_zones_stay_out_of_the_public_parity_pages(example_site: Path, tmp_path: Path) -> None:
    assert not (example_site / "parity" / "us-premium").exists()
    public_text = "".join(p.read_text(encoding="utf-8") for p in (example_site / "parity").rglob("*.html"))
    assert "US high-cost metros" not in public_text and "metro premium" not in public_text
    internal = tmp_path / "internal"
    assert run_cli("build", "--audience", "internal", "-c", str(EXAMPLE), "-o", str(internal)).returncode == 0
    page = soup(internal / "parity" / "us-premium" / "index.html")
    assert len(page.select("li.chart-bar")) == 13


def test_no_parity_page_without_bands(tmp_path: Path) -> None:
    handbook = tmp_path / "handbook"
    shutil.copytree(MINI, handbook)
    (handbook / "ladder" / "comp.yml").unlink()
    assert run_cli("build", "-c", str(handbook), "-o", str(tmp_path / "site")).returncode == 0
    assert not (tmp_path / "site" / "parity").exists()
    home = soup(tmp_path / "site" / "index.html")
    assert home.select_one(".parity-summary") is None
    assert not home.select('nav a[href="parity/"]')
