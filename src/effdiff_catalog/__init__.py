"""effdiff-catalog: the paper list of "Efficient Diffusion Models: A Survey" as a database."""

__version__ = "0.1.0"
