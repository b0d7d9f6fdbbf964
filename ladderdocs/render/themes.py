"""Where themes live: the default theme ships inside the package; a handbook may override it."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled(name: str, source_name: str) -> Path:
    """A folder shipped in the wheel, or its source folder when running from a checkout."""
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / source_name


def default_theme() -> Path:
    return bundled("themes", "themes") / "default"


def theme_layers(override: Path | None) -> list[Path]:
    """Theme folders, most specific first: the handbook's own, then the default."""
    return [p for p in (override, default_theme()) if p is not None]


def static_files(layers: list[Path]) -> dict[str, Path]:
    """Output path -> file, where a handbook theme's static file replaces the default's."""
    files: dict[str, Path] = {}
    for layer in reversed(layers):
        static = layer / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    files["static/" + path.relative_to(static).as_posix()] = path
    return files


def template_sources(layers: list[Path]) -> dict[str, bytes]:
    """Every template of every layer: a rebuild renders every page again when one changes."""
    return {str(path): path.read_bytes()
            for layer in layers for path in sorted((layer / "templates").rglob("*")) if path.is_file()}
