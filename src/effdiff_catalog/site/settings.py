"""The site's name, description, URL and repository link, from the project file
(catalog.yaml), for any engine: the plugin sets them on the MkDocs config, `site.source`
writes them into the folder's mkdocs.yml. Nothing here is hard-coded for one survey.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from effdiff_catalog.records.project import Project

# Material's icon for a repository link, by host (its .icons folder); others get a generic one.
REPOSITORY_ICONS = {"github.com": "fontawesome/brands/github",
                    "gitlab.com": "fontawesome/brands/gitlab"}
GENERIC_REPOSITORY_ICON = "material/source-repository"


def site_name(project: Project) -> str:
    return project.survey.short_title or project.survey.title


def site_description(project: Project) -> str:
    """One sentence for search engines and link previews: what the site is."""
    survey = project.survey
    where = ", ".join(str(part) for part in (survey.journal, survey.year) if part)
    return (f'The papers of "{survey.title}"' + (f" ({where})" if where else "")
            + ", with their links and BibTeX, browsable and searchable.")


def repository_link(project: Project) -> dict[str, str] | None:
    """The footer's link to the records' repository (Material's `extra.social` item)."""
    if not project.repository:
        return None
    host = urlparse(project.repository).netloc.lower()
    return {"icon": REPOSITORY_ICONS.get(host, GENERIC_REPOSITORY_ICON),
            "link": project.repository,
            "name": "The records of this catalog, and how to correct them"}


def config_settings(project: Project, config: dict[str, Any]) -> dict[str, Any]:
    """The config keys the project file decides, given the rest of the config: the name and
    description always; the site URL unless the config sets one (a preview deploy); the
    repository link added to the config's own `extra.social` links."""
    settings: dict[str, Any] = {"site_name": site_name(project),
                                "site_description": site_description(project)}
    if not config.get("site_url") and project.site_url:
        settings["site_url"] = project.site_url
    link = repository_link(project)
    extra = dict(config.get("extra") or {})
    social = list(extra.get("social") or [])
    if link and link not in social:
        extra["social"] = [*social, link]
        settings["extra"] = extra
    return settings
