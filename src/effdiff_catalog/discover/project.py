"""The only imports from the rest of effdiff_catalog: if those modules move, edit only here."""

from effdiff_catalog.catalog import load_catalog
from effdiff_catalog.models import Paper
from effdiff_catalog.taxonomy import Taxonomy

__all__ = ["Paper", "Taxonomy", "load_catalog"]
