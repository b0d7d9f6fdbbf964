"""The whole pipeline, top to bottom: load -> validate -> model -> render -> index -> write."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ladderdocs.errors import ContentError, Problem, display_path
from ladderdocs.load import load_handbook
from ladderdocs.model import PUBLIC, Handbook, build_model
from ladderdocs.parallel import in_background
from ladderdocs.parity import ERROR, Finding, findings
from ladderdocs.render import render_site
from ladderdocs.search import Section, index_files
from ladderdocs.validate import validate
from ladderdocs.write import staged_site


@dataclass
class BuildResult:
    handbook: Handbook
    files: dict[str, bytes]
    warnings: list[Problem]
    parity: list[Finding] = field(default_factory=list)
    sections: dict[str, list[Section]] = field(default_factory=dict)  # of prose pages, for the search index


def load_model(content: Path, audience: str = PUBLIC, strict: bool = False,
               base_url: str | None = None) -> tuple[Handbook, list[Problem]]:
    """Load and validate; raise ContentError with every error (warnings too when strict).

    `base_url` replaces handbook.yml's, for a CI job that learns the address only when it runs.
    """
    if not content.is_dir():
        raise ContentError([Problem(str(content), 1, 1, "no such folder; expected a handbook folder "
                                                        "with handbook.yml")])
    raw = load_handbook(content)
    problems = validate(raw)
    _raise_if_errors(problems, strict)
    handbook = build_model(raw, audience)
    if base_url:
        handbook = replace(handbook, settings=replace(handbook.settings, base_url=base_url))
    return handbook, [p for p in problems if p.severity == "warning"]


def render(content: Path, audience: str = PUBLIC, strict: bool = False, file_mode: bool = False,
           base_url: str | None = None) -> BuildResult:
    """Everything but the disk: the files of the site, or ContentError."""
    result = _render_pages(content, audience, strict, file_mode, base_url)
    result.files.update(index_files(result.handbook, result.sections))
    return result


def build(content: Path, out_dir: Path, audience: str = PUBLIC, strict: bool = False,
          file_mode: bool = False, base_url: str | None = None) -> BuildResult:
    if content.resolve().is_relative_to(out_dir.resolve()):
        raise ContentError([Problem(str(out_dir), 1, 1, "the output folder holds the content and would "
                                                        "replace it; expected a separate folder such as site/")])
    result = _render_pages(content, audience, strict, file_mode, base_url)
    index = in_background(index_files, result.handbook, result.sections)  # another core indexes while this one writes
    try:
        with staged_site(out_dir) as write:
            write(result.files)
            search = index()
            write(search)
    except OSError as err:  # a full disk or a read-only folder: the author's to fix, and the old site stands
        raise ContentError([Problem(display_path(out_dir), 1, 1, f"cannot write the site ({err.strerror or err}); "
                                                                 "expected a folder ladderdocs may write to")]) from err
    result.files.update(search)
    return result


def _render_pages(content: Path, audience: str, strict: bool, file_mode: bool,
                  base_url: str | None) -> BuildResult:
    """Every file of the site but the search index, which is made from `sections`."""
    handbook, warnings = load_model(content, audience, strict, base_url)
    site = render_site(handbook, file_mode)
    _raise_if_errors(site.problems + warnings, strict)
    parity = findings(handbook)
    if strict or handbook.settings.parity.strict:  # parity errors fail only when asked to
        _raise_if_errors([f.problem() for f in parity if f.severity == ERROR], False)
    return BuildResult(handbook, site.files, warnings + [p for p in site.problems if p.severity == "warning"],
                       parity, site.sections)


def _raise_if_errors(problems: list[Problem], strict: bool) -> None:
    failing = [p for p in problems if p.severity == "error" or strict]
    if failing:
        raise ContentError(problems if strict else failing)
