"""effdiff discover's model: rank papers of new volumes by how well they fit the catalog.

Pure computation, no network: the data gathering and the CLI build on `fit` and `Model.rank`.
"""

from .candidates import Candidate
from .model import Model, Neighbour, Ranked, Settings, fit

__all__ = ["Candidate", "Model", "Neighbour", "Ranked", "Settings", "fit"]
