"""Exit statuses of `check-venues` and `enrich`, shared by the CLI, its --help and the README.

A CI job must tell "nothing new" from "could not look": an outage is never 0.
"""

NOTHING = 0  # nothing to update or fill, and every source answered for every paper
FOUND = 1  # updates (or fields) found; written with --apply (enrich: unless --dry-run)
USAGE = 2  # bad arguments
INCOMPLETE = 3  # some papers could not be fully checked: a source failed, or offline uncached

HELP = (
    "Exit status: 0 nothing to update and every source answered for every paper; "
    "1 updates found (or applied); 2 usage error; 3 some papers could not be fully "
    "checked because a source failed or, offline, was not cached (the updates found for "
    "the others are still reported, and applied with --apply)."
)
ENRICH_HELP = (
    "Exit status: 0 nothing to fill and every source answered for every record; 1 fields "
    "filled (or to fill, with --dry-run); 2 usage error; 3 some records could not be fully "
    "looked up because a source failed or, offline, was not cached."
)
