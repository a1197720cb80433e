"""sop_xl: Sales & Operations Planning in Excel, with a pure planning core."""

__version__ = "0.1.0"
