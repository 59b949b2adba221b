"""Command-line interface (placeholder until the commands land)."""
import click


@click.group()
def main() -> None:
    """notegen: compile a CNN course into a linked Obsidian vault."""
