"""effdiff discover's model: rank papers of new volumes by how well they fit the catalog.

Pure computation, no network: the data gathering and the CLI build on `fit` and `Model.rank`.
"""

from .candidates import Candidate

__all__ = ["Candidate"]
