"""The calculation engine: pure arithmetic over the model, no IO, no torch."""

from notegen.engine.analyze import AnalysisError, analyze
from notegen.engine.results import RF, LayerResult, NetworkResult

__all__ = ["AnalysisError", "analyze", "RF", "LayerResult", "NetworkResult"]
