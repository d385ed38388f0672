"""The vocabulary every stage shares: the data model (``model``), errors, progress and stage names (``progress``),
the sample rate (``audio``), time formats (``times``), the text normaliser (``text``), atomic writes (``files``),
the report formats (``report_formats``) and hashing."""
