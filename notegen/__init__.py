"""notegen: compile a CNN course into a linked Obsidian vault."""

__version__ = "0.1.0"
