"""axe-core's findings per page type, as a table (the record behind the accessibility tests).

    .venv/bin/python benchmarks/site_axe_report.py [--catalog tests/fixtures/site-catalog]

Builds the site of a catalog (the fixture catalog by default, as the tests do; `--catalog .`
for the survey's own), serves it on 127.0.0.1 and runs axe-core (node_modules, `npm ci`)
over every page type of tests/browser/axe.py in light and dark, at 1366x900 and 390x844.
Prints, per page type, the rules violated with their impact and the variants that showed
them (all impacts: the tests fail on serious and critical ones only).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))
from axe import DESKTOP, PAGE_TYPES, PHONE, open_page_type, run_axe  # noqa: E402
from siteserver import build_site, served  # noqa: E402

VARIANTS = {"light desktop": ("light", DESKTOP), "dark desktop": ("dark", DESKTOP),
            "light phone": ("light", PHONE), "dark phone": ("dark", PHONE)}
Findings = dict[str, dict[tuple[str, str], list[str]]]


def collect(browser: Any, url_site: Any) -> Findings:
    """page type -> (rule, impact) -> the variants where axe reported it."""
    found: Findings = defaultdict(lambda: defaultdict(list))
    for variant, (scheme, viewport) in VARIANTS.items():
        ctx = browser.new_context(color_scheme=scheme, viewport=viewport)
        page = ctx.new_page()
        for kind in PAGE_TYPES:
            open_page_type(page, url_site, kind)
            for v in run_axe(page):
                found[kind][(v.rule, v.impact)].append(variant)
        ctx.close()
    return found


def report(found: Findings) -> str:
    lines = ["| page type | violations (rule [impact]: variants) |", "| --- | --- |"]
    for kind in PAGE_TYPES:
        rules = found.get(kind, {})
        cell = "; ".join(f"{rule} [{impact}]: {', '.join(variants)}"
                         for (rule, impact), variants in sorted(rules.items())) or "none"
        lines.append(f"| {kind} | {cell} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--catalog", type=Path, default=REPO / "tests/fixtures/site-catalog")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work, sync_playwright() as pw:
        out = Path(work) / "site"
        result = build_site(args.catalog.resolve(), out)
        if result.returncode:
            sys.exit(result.stderr)
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        for site in served(out, args.catalog.resolve()):
            print(report(collect(browser, site)))
        browser.close()


if __name__ == "__main__":
    main()
