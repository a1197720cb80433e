"""The open master workbook as one unit of work: lock, version check, cycle steps,
versions, transfer, language, template."""
