"""Where the project lives: its repository, and the URLs of its files at this version's release tag."""

from __future__ import annotations

from cjm import __version__

# The repository's slug, as the README names it; the URLs below move with each release.
REPOSITORY = "OWNER/cjm"
REPOSITORY_URL = f"https://github.com/{REPOSITORY}"
RELEASE_TAG = f"v{__version__}"


def raw_url(path: str) -> str:
    """A file of the repository as published at this version's tag (what editors fetch schemas from)."""
    return f"https://raw.githubusercontent.com/{REPOSITORY}/{RELEASE_TAG}/{path}"


def docs_url(path: str, fragment: str = "") -> str:
    """A page of the repository's docs at this version's tag, optionally at a heading."""
    return f"{REPOSITORY_URL}/blob/{RELEASE_TAG}/{path}" + (f"#{fragment}" if fragment else "")
