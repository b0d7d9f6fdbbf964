"""Money and numbers as each zone's readers write them (Babel, from CLDR), everywhere they are shown;
the data exports keep the plain numbers."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import MINI, render, run_cli

NBSP = "\u00a0"


def with_zone(tmp_path: Path, language: str, locale: str | None, currency: str) -> Path:
    content = tmp_path / "handbook"
    shutil.copytree(MINI, content)
    settings = content / "handbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"language: {language}\n", encoding="utf-8")
    comp = content / "ladder" / "comp.yml"
    text = comp.read_text(encoding="utf-8").replace("currency: USD", f"currency: {currency}"
                                                    + (f"\n    locale: {locale}" if locale else ""))
    comp.write_text(text.replace("dev: {min: 100000, mid: 110000, max: 120000}",
                                 "dev: {min: 4200000, mid: 4600000, max: 5000000}")
                    .replace("senior-dev: {min: 130000, max: 160000}", "senior-dev: {min: 5200000, max: 6400000}")
                    .replace("manager: {min: 130000, max: 160000}", "manager: {min: 5200000, max: 6400000}"),
                    encoding="utf-8")
    return content


@pytest.mark.parametrize("language, locale, currency, shown", [
    ("en", "en-IN", "INR", "₹42,00,000"),            # lakhs and crores, as written in India
    ("en", "en-IN", "NPR", f"NPR{NBSP}42,00,000"),   # and in Nepal
    ("de", None, "EUR", f"4.200.000{NBSP}€"),        # a German handbook: its own grouping, the sign after
    ("en", None, "USD", "$4,200,000"),               # a US handbook: $, not US$
])
def test_money_is_written_as_the_zone_writes_it(language: str, locale: str | None, currency: str, shown: str,
                                                tmp_path: Path) -> None:
    files = render(with_zone(tmp_path, language, locale, currency)).files

    def page(path: str) -> BeautifulSoup:
        return BeautifulSoup(files[path].decode("utf-8"), "html.parser")

    assert page("levels/dev/index.html").select_one("table.bands td.num").get_text() == shown
    assert shown in [cell.get_text().split(" – ")[0] for cell in page("compare/index.html").select(".band-range")]
    assert shown in [td.get_text() for td in page("parity/index.html").select("table.parity-table td.num")]
    assert any(shown in value.get_text() for value in page("parity/index.html").select(".chart-bar .chart-value"))
    assert shown in page("embed/levels/dev/index.html").get_text()
    rows = list(csv.DictReader(io.StringIO(files["bands.csv"].decode("utf-8"))))
    assert {r["level"]: r["min"] for r in rows}["dev"] == "4200000"  # the export keeps the number


def test_a_locale_no_one_knows_is_a_problem_at_its_line(tmp_path: Path) -> None:
    content = with_zone(tmp_path, "en", "xx-YY", "USD")
    result = run_cli("check", "-c", str(content))
    assert result.returncode == 1
    comp = content / "ladder" / "comp.yml"
    line = comp.read_text(encoding="utf-8").splitlines().index("    locale: xx-YY") + 1
    assert f"{comp}:{line}:5: error: locale 'xx-YY' is unknown" in result.stderr
