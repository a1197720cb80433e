"""Fixtures for the demand-side tests (defined in tests/demand/fixtures.py)."""

from tests.demand.fixtures import fake_forecast, master  # noqa: F401
