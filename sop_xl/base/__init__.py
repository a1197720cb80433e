"""Errors, the message catalogue, periods and the factory calendar: what every layer uses."""
