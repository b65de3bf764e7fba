"""Drawdown: an open event database of announced military withdrawals."""

__version__ = "0.1.0"
