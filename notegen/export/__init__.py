"""Exporters: the course and its networks written for other tools (PyTorch, Anki)."""
