"""``energy-planner site``: siting of new PV (issue 6; being written)."""

import argparse


def add_site_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the ``site`` subcommand."""
