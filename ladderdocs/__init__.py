"""ladderdocs: static handbooks for engineering career frameworks."""

__version__ = "0.1.0"
