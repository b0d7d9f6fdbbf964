"""Where themes live: the default theme ships inside the package; a handbook may override it."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str, source_name: str) -> Path:
    """A folder shipped in the wheel, or its source folder when running from a checkout."""
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / source_name


def default_theme() -> Path:
    return _bundled("themes", "themes") / "default"


def example_handbook() -> Path:
    return _bundled("example", "content")


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
