"""The promotion audit: `ladderdocs audit` tells HR whether the IC ladder above the senior grade
is used, and `build --promotions` publishes the aggregate on a page that never gives away a
person: small counts read "fewer than 5", and no id or date from the file is in any file."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EXAMPLE, FIXTURES, built, load_model, run_cli
from ladderdocs.checks.audit import add_months, parse_promotions, senior_grade
from ladderdocs.errors import ContentError
from ladderdocs.model.entities import INTERNAL
from ladderdocs.pages.promotions import AT_LEAST, EXACT, FEW, Shown, total
from ladderdocs.site import Options, Pipeline

PROMOTIONS = FIXTURES / "promotions"
PERFORMATIVE = PROMOTIONS / "performative.csv"  # the last 8 promotions into grade 4+ all went to management
IC_ABOVE_4 = PROMOTIONS / "ic-above-4.csv"      # the same, one of them a Staff -> Senior Staff Engineer


def audit(*args: str) -> tuple[int, str, str]:
    result = run_cli("audit", *args, "--content", str(EXAMPLE))
    return result.returncode, result.stdout, result.stderr


def with_audit_settings(tmp_path: Path, settings: str) -> Path:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    with (content / "handbook.yml").open("a", encoding="utf-8") as file:
        file.write(f"audit:\n{settings}")
    return content


def test_every_senior_promotion_to_management_is_a_performative_ladder_and_fails_strict() -> None:
    code, out, err = audit(str(PERFORMATIVE), "--strict")
    assert code == 1, err
    assert ("error: performative ladder: None of the last 8 promotions into grade 4 or above went to Individual "
            "contributor: they went to Engineering management.") in out
    assert "last 8 promotions into grade 4 or above: Engineering management 8" in out
    assert audit(str(PERFORMATIVE))[0] == 0  # a report, not a gate, unless --strict asks


def test_an_ic_promotion_above_grade_4_is_no_performative_ladder() -> None:
    code, out, err = audit(str(IC_ABOVE_4), "--strict")
    assert code == 0, err
    assert "performative" not in out
    assert "1 of the last 8 promotions into grade 4 or above went to Individual contributor." in out


def test_the_command_line_counts_exactly_and_says_so() -> None:
    code, out, _ = audit(str(PERFORMATIVE))
    assert code == 0
    assert "  grade 3: Individual contributor 2, Tech Lead Manager 0" in out  # the 2-person cell, exact
    assert "window 2024-05-30 to 2026-05-29 (24 months)" in out  # from the newest row, not the clock
    assert "Counts are exact" in out and "fewer than N" in run_cli("audit", "--help").stdout
    assert "No one was promoted into Principal Engineer (grade 6) in the 24 months of the window." in out
    assert "track moves: Individual contributor -> Engineering management 5;" in out
    assert "still on it past it 1, start not in the file 1" in out  # 40 months on a 24-month track
    assert "warning: beyond the time box: 1 person is still on Tech Lead Manager past its time box" in out


def test_the_window_follows_since_and_until() -> None:
    _, out, _ = audit(str(PERFORMATIVE), "--since", "2025-01-01", "--until", "2025-12-31")
    assert "window 2025-01-01 to 2025-12-31 (12 months)" in out
    assert "  grade 4: Individual contributor 0, Engineering management 2, Tech Lead Manager 0" in out


def test_bad_rows_are_file_row_col_errors_that_name_no_person() -> None:
    code, out, err = audit(str(PROMOTIONS / "bad-rows.csv"))
    assert code == 1 and "Traceback" not in err
    name = "tests/fixtures/promotions/bad-rows.csv"
    for expected in (f"{name}:2:1: error: '2025-02-30' is not a date; expected YYYY-MM-DD",
                     f"{name}:3:4: error: unknown level 'staff-enginer'; did you mean 'staff-engineer'?",
                     f"{name}:4:2: error: no person; expected an opaque id",
                     f"{name}:5:1: error: 3 fields; expected 4",
                     f"{name}:6:1: error: '14/03/2025' is not a date"):
        assert expected in err
    assert "emp-" not in err + out


def test_a_missing_column_is_an_error_at_the_header() -> None:
    code, _, err = audit(str(PROMOTIONS / "missing-column.csv"))
    assert code == 1
    assert "missing-column.csv:1:4: error: missing column 'from_level'" in err


def test_a_hire_is_no_promotion(tmp_path: Path) -> None:
    hb, _ = load_model(EXAMPLE, INTERNAL)
    rows = parse_promotions("date,person,from_level,to_level\n2025-01-01,x1,,staff-engineer\n", "p.csv", hb)
    assert rows[0].from_level is None and not rows[0].promotion
    with pytest.raises(ContentError) as err:
        parse_promotions("date,person,from_level,to_level\n2025-01-01,x1,staff-engineer,staff-engineer\n", "p.csv", hb)
    assert "p.csv:2:4: error: to_level is from_level" in str(err.value)


def test_the_senior_grade_is_where_ic_and_management_both_have_levels() -> None:
    assert senior_grade(load_model(EXAMPLE)[0]) == 4  # the management track opens at 4
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)


def test_a_total_never_gives_a_hidden_cell_back() -> None:
    assert total([6, 2, 0], 5) == Shown(AT_LEAST, 7)  # 8 would let a reader subtract the 2
    assert total([6, 5, 0], 5) == Shown(EXACT, 11)
    assert total([2, 1], 5) == Shown(FEW, 5)


def test_min_group_below_3_is_a_validation_error(tmp_path: Path) -> None:
    content = with_audit_settings(tmp_path, "  min_group: 2\n")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert re.search(r"handbook\.yml:\d+:\d+: error: .*min_group.*3", result.stderr), result.stderr


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An internal build, a public build of a handbook that publishes the page (min_group 3),
    and a public build of the example that does not."""
    root = tmp_path_factory.mktemp("promotions")
    public_content = with_audit_settings(root, "  public: true\n  min_group: 3\n")
    return {"internal": built(EXAMPLE, root / "internal", "--audience", "internal", "--promotions", str(PERFORMATIVE)),
            "public": built(public_content, root / "public", "--promotions", str(PERFORMATIVE)),
            "cache": root / ".ladderdocs-cache",  # the public build's, beside its handbook
            "default": built(EXAMPLE, root / "default", "--promotions", str(PERFORMATIVE))}


def test_the_page_is_the_same_bytes_from_build_to_build(sites: dict[str, Path]) -> None:
    def render() -> bytes:
        options = Options(INTERNAL, workers=1, promotions=PERFORMATIVE)
        return Pipeline(EXAMPLE, options).run().files["promotions/index.html"]
    assert render() == render() == (sites["internal"] / "promotions" / "index.html").read_bytes()


def page(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / "promotions" / "index.html").read_text(encoding="utf-8"), "html.parser")


def cell(soup: BeautifulSoup, grade: int, track: str) -> str:
    return soup.select_one(f'.promotions-table tr[data-grade="{grade}"] td[data-track="{track}"]').get_text(" ", strip=True)


def test_a_two_person_cell_reads_fewer_than_5(sites: dict[str, Path]) -> None:
    soup = page(sites["internal"])
    assert cell(soup, 3, "ic") == "fewer than 5"
    assert cell(soup, 2, "ic") == "6"
    assert cell(soup, 4, "management") == "5"
    assert cell(soup, 7, "tlm") == "No level at this grade"
    chart = soup.select_one('.promotions-figure [data-track="ic"] .chart-value').get_text(strip=True)
    assert chart == "at least 7"  # 8 exactly, less the hidden 2, would give it away
    findings = soup.select_one(".findings").get_text(" ", strip=True)
    assert "None of the last 8 promotions into grade 4 or above went to Individual contributor" in findings
    assert "fewer than 5 people are still on Tech Lead Manager past its time box" in findings
    assert "1 person" not in findings


def test_the_page_is_internal_unless_the_handbook_publishes_it(sites: dict[str, Path]) -> None:
    assert not (sites["default"] / "promotions").exists()
    home = (sites["default"] / "index.html").read_text(encoding="utf-8")
    assert "promotions/" not in home
    assert 'href="../promotions/"' in (sites["internal"] / "tracks" / "index.html").read_text(encoding="utf-8")
    soup = page(sites["public"])
    assert cell(soup, 3, "ic") == "fewer than 3"  # the handbook's own minimum group
    assert cell(soup, 5, "management") == "fewer than 3"
    assert cell(soup, 4, "management") == "5"


def test_no_person_id_or_date_from_the_file_is_in_any_output_file(sites: dict[str, Path]) -> None:
    with PERFORMATIVE.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    dates = {dt.date.fromisoformat(row["date"]) for row in rows}
    needles = {row["person"] for row in rows}
    needles |= {d.isoformat() for d in dates} | {f"{d.day} {d:%B %Y}" for d in dates} | {f"{d:%B} {d.day}, {d.year}"
                                                                                         for d in dates}
    assert len(needles) > 30
    for name, site in sites.items():
        files = [p for p in site.rglob("*") if p.is_file()]
        kinds = {p.suffix for p in files}
        if name != "cache":
            assert {".html", ".js", ".json", ".csv", ".xml" if name != "internal" else ".html"} <= kinds  # no sitemap inside
        assert files
        for path in files:
            text = path.read_bytes().decode("utf-8", errors="replace")
            leaked = sorted(n for n in needles if n in text)
            assert leaked == [], f"{name}: {path.relative_to(site)} holds {leaked[:3]}"


def test_a_one_track_ladder_has_no_performative_check_but_theoretical_levels(tmp_path: Path) -> None:
    content = FIXTURES / "cumulative"  # one IC track, grades 1-3, no management to compare with
    promotions = tmp_path / "promotions.csv"
    promotions.write_text("date,person,from_level,to_level\n" + "".join(
        f"2026-0{month}-01,p{month},one,two\n" for month in range(1, 7)), encoding="utf-8")
    result = run_cli("audit", str(promotions), "--content", str(content), "--strict")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "performative" not in out and "too few" not in out
    assert "No one was promoted into Engineer Three (grade 3)" in out and "into Engineer Two" not in out
    site = Pipeline(content, Options(INTERNAL, workers=1, promotions=promotions)).run()
    soup = BeautifulSoup(site.files["promotions/index.html"], "html.parser")
    assert cell(soup, 2, "ic") == "6" and cell(soup, 3, "ic") == "0"
    assert [tr["data-grade"] for tr in soup.select(".promotions-table tbody tr")] == ["3", "2", "1"]
