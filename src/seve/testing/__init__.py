"""Tools for testing code built on seve: host applications and plugins.

- :mod:`seve.testing.strategies`: hypothesis strategies for every model type and
  every event type (needs the ``testing`` extra: ``pip install seve[testing]``);
- :mod:`seve.testing.synthetic`: synthetic, realistic event logs, without hypothesis.

This package imports nothing heavy: importing it never requires hypothesis.
"""
