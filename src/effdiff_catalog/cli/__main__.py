"""`python -m effdiff_catalog.cli`: the same as the `effdiff` command."""

from effdiff_catalog.cli.app import main

main()
