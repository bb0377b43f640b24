"""The catalog's records, models and taxonomy as discover uses them: one place to re-point.

Identity (`identity.DuplicateIndex`) and BibTeX reading (`ingest.bibtex_reader`) are the
project's own layers and are imported where they are used.
"""

from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.taxonomy import Taxonomy

__all__ = ["Paper", "Taxonomy", "load_catalog"]
